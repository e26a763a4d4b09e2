/** The one question (or statement) of a step: the page's only h1, with an English line and a hint. */
export function StepTitle({ title, en, hint }: { title: string; en?: string; hint?: string | undefined }) {
  return (
    <div className="step-title">
      <h1>
        {title}
        {en ? (
          <span className="h1-en" lang="en">
            {en}
          </span>
        ) : null}
      </h1>
      {hint ? <p className="lead step-hint">{hint}</p> : null}
    </div>
  );
}
