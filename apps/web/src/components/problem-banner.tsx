import { describeError } from '../lib/api-client';

interface ProblemBannerProps {
  error: unknown;
  /** Extra context, e.g. that the data below is from the last successful refresh. */
  note?: string;
  onRetry?: () => void;
}

export function ProblemBanner({ error, note, onRetry }: ProblemBannerProps) {
  return (
    <div className="banner banner--error" role="alert">
      <p>{describeError(error)}</p>
      {note ? <p className="banner__note">{note}</p> : null}
      {onRetry ? (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}

export function FormProblems({ messages }: { messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="banner banner--error" role="alert">
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <ul>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
