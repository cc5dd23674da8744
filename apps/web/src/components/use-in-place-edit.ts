'use client';

import { useState } from 'react';

/** Moves focus to the form's heading once it shows what it edits, so keyboard and screen reader users follow. */
function focusHeading(id: string) {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

/**
 * A list whose one form below either creates an item or edits the one picked with its row's "Edit";
 * `notice` says what the last save did.
 */
export function useInPlaceEdit(headingId: string) {
  const [editingId, setEditingId] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  return {
    editingId,
    notice,
    edit(id: string) {
      setNotice('');
      setEditingId(id);
      focusHeading(headingId);
    },
    /** After a save (with what it did) or a cancel: the form goes back to creating. */
    done(saved?: string) {
      setNotice(saved ?? '');
      if (editingId !== null) focusHeading(headingId);
      setEditingId(null);
    },
  };
}
