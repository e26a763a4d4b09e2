import { Button } from '../../components/Button.tsx';
import { flowText } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';

/** From a detail table back to the summary of the records query. */
export function RecordsBack() {
  const run = useCommand();
  return (
    <div className="actions">
      <Button
        variant="primary"
        testId="flow-view-summary"
        onPress={() => run('flow.view', { view: 'summary' })}
      >
        {flowText.records.backToSummary}
      </Button>
    </div>
  );
}
