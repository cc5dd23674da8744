/** A small secondary button in a table row; screen readers hear which row it acts on. */
export function RowAction(props: { label: string; item: string; onClick: () => void }) {
  return (
    <button type="button" className="button button--secondary button--small" onClick={props.onClick}>
      {props.label}
      <span className="visually-hidden"> {props.item}</span>
    </button>
  );
}
