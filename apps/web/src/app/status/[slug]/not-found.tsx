export default function StatusPageNotFound() {
  return (
    <main id="main" className="page page--narrow">
      <div className="empty">
        <h1>Status page not found</h1>
        <p>There is no status page at this address. Check the link you were given.</p>
      </div>
    </main>
  );
}
