import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConsolePlaceholder } from './ConsolePlaceholder.tsx';

describe('staff console placeholder', () => {
  it('says honestly that the console is not built yet', () => {
    render(<ConsolePlaceholder />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('管理控制台');
    expect(screen.getByTestId('console-placeholder').textContent).toContain('还没有开发完成');
  });
});
