import type { ChoiceOption, QuestionId } from '@sik/contract';
import { useGuardedPress } from '../../components/useGuardedPress.ts';
import { flowText, optionDetail, optionText, questions } from '../../i18n/zh-CN.ts';
import { useCommand } from '../commands.tsx';
import { StepTitle } from './StepTitle.tsx';
import type { StepOf, StepProps } from './step.ts';

/** The words of an option: the agent's label when it sends one (amounts, years), else the UI's wording. */
export function optionLabel(question: QuestionId, option: ChoiceOption): string {
  return option.label ?? optionText[question]?.[option.value] ?? option.value;
}

function optionDetailText(question: QuestionId, option: ChoiceOption): string | undefined {
  return option.detail ?? optionDetail[question]?.[option.value];
}

function OptionButton({
  question,
  option,
  selected,
  onChoose,
}: {
  question: QuestionId;
  option: ChoiceOption;
  selected: boolean;
  onChoose: () => unknown;
}) {
  const { press, busy } = useGuardedPress(onChoose);
  const detail = optionDetailText(question, option);
  return (
    <button
      type="button"
      className={`option${selected ? ' option-selected' : ''}`}
      onClick={press}
      disabled={option.disabled === true || busy}
      aria-busy={busy || undefined}
      aria-pressed={selected}
      data-testid={`flow-option-${option.value}`}
    >
      <span className="option-label">{optionLabel(question, option)}</span>
      {detail ? <span className="option-detail">{detail}</span> : null}
      {selected ? <span className="option-mark">✓ {flowText.choose.selected}</span> : null}
    </button>
  );
}

/** One question, its options as large buttons; a tap answers (the previous answer is marked). */
export function ChooseStep({ step }: StepProps<'choose'>) {
  const run = useCommand();
  const text = questions[step.question];
  const many = step.options.length > 4;
  return (
    <>
      <StepTitle title={text.title} en={text.en} hint={text.hint} />
      <div className={`options${many ? ' options-many' : ''}`}>
        {step.options.map((option) => (
          <OptionButton
            key={option.value}
            question={step.question}
            option={option}
            selected={step.selected === option.value}
            onChoose={() => run('flow.answer', { value: option.value })}
          />
        ))}
      </div>
    </>
  );
}

export function chooseSpeech(step: StepOf<'choose'>): string {
  const names = step.options
    .filter((option) => option.disabled !== true)
    .map((option) => optionLabel(step.question, option))
    .join('，');
  return `${questions[step.question].speech}可以选：${names}。`;
}
