import Link from 'next/link';

export default function NotFound() {
  return (
    <main id="main" className="page page--narrow">
      <div className="empty">
        <h1>Page not found</h1>
        <p>There is nothing at this address.</p>
        <Link href="/" className="button">
          Go to monitors
        </Link>
      </div>
    </main>
  );
}
