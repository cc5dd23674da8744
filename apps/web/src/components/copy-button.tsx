'use client';

import { useState } from 'react';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() =>
          navigator.clipboard?.writeText(text).then(
            () => setCopied('yes'),
            () => setCopied('no'),
          ) ?? setCopied('no')
        }
      >
        {label}
      </button>
      <span role="status" className="muted">
        {copied === 'yes' ? ' Copied.' : copied === 'no' ? ' Could not copy; select the text instead.' : ''}
      </span>
    </>
  );
}
