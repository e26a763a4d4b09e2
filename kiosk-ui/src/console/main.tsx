import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { installTheme } from '../theme/tokens.ts';
import { ConsolePlaceholder } from './ConsolePlaceholder.tsx';
import '../theme/kiosk.css';

installTheme();
const container = document.getElementById('root');
if (!container) throw new Error('console.html has no #root');
createRoot(container).render(
  <StrictMode>
    <ConsolePlaceholder />
  </StrictMode>,
);
