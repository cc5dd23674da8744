'use client';

import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** The destructive button's text, e.g. "Delete monitor". */
  confirmLabel: string;
  children?: ReactNode;
  onConfirm: () => void;
  /** Called on Cancel, on Escape and after confirming: the dialog is closed by then. */
  onClose: () => void;
}

/**
 * A modal confirmation on the native <dialog>: focus starts on "Cancel" (the safe choice), Escape
 * closes it, the page behind cannot be reached while it is open, and the caller gets focus back.
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  children,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      // Escape (the dialog's cancel event) and close() both end here.
      onClose={() => {
        if (open) onClose();
      }}
    >
      {open ? (
        <>
          <h2 id={titleId}>{title}</h2>
          {children ? <div id={bodyId}>{children}</div> : null}
          <div className="actions">
            <button ref={cancelRef} type="button" className="button button--secondary" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={() => {
                onConfirm();
                onClose();
              }}
            >
              {confirmLabel}
            </button>
          </div>
        </>
      ) : null}
    </dialog>
  );
}

interface ConfirmButtonProps {
  /** The trigger's text; `item` is added for screen readers, naming the row it acts on. */
  label: string;
  item?: string;
  title: string;
  confirmLabel: string;
  children?: ReactNode;
  onConfirm: () => void;
  disabled?: boolean;
  small?: boolean;
}

/** A button that asks first: opens a ConfirmDialog and gives focus back to itself when it closes. */
export function ConfirmButton({ label, item, small = true, disabled, ...dialog }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        ref={triggerRef}
        type="button"
        className={small ? 'button button--secondary button--small' : 'button button--secondary'}
        aria-haspopup="dialog"
        disabled={disabled}
        onClick={() => setOpen(true)}
      >
        {label}
        {item ? <span className="visually-hidden"> {item}</span> : null}
      </button>
      <ConfirmDialog
        {...dialog}
        open={open}
        onClose={() => {
          setOpen(false);
          triggerRef.current?.focus();
        }}
      />
    </>
  );
}
