'use client';

/** Last resort for a rendering bug: say so and offer a way back instead of a blank page. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="page page--narrow">
      <div className="banner banner--error" role="alert">
        <p>This page hit an unexpected error.</p>
        <button type="button" className="button button--secondary" onClick={reset}>
          Try again
        </button>
      </div>
    </main>
  );
}
