import type { StatusPageBranding } from '../lib/api-types';
import { textOn } from '../lib/contrast';

/** The page's logo and description on its brand colour, with black or white text, whichever reads. */
export function StatusPageBrandingHeader({
  branding,
  title,
}: {
  branding: StatusPageBranding | undefined;
  title: string;
}) {
  if (!branding || (!branding.logoUrl && !branding.description && !branding.brandColor)) return null;
  const style = branding.brandColor
    ? { background: branding.brandColor, color: textOn(branding.brandColor) }
    : undefined;
  return (
    <div className={`status-brand${style ? ' status-brand--coloured' : ''}`} style={style}>
      {branding.logoUrl ? (
        // biome-ignore lint/performance/noImgElement: a customer's logo on any https host, not a bundled asset
        <img
          className="status-brand__logo"
          src={branding.logoUrl}
          alt={`${title} logo`}
          referrerPolicy="no-referrer"
        />
      ) : null}
      {branding.description ? <p className="status-brand__description">{branding.description}</p> : null}
    </div>
  );
}

/** The page's footer text and links. */
export function StatusPageFooter({ branding }: { branding: StatusPageBranding | undefined }) {
  if (!branding || (!branding.footerText && branding.links.length === 0)) return null;
  return (
    <footer className="status-footer">
      {branding.links.length > 0 ? (
        <ul className="status-footer__links">
          {branding.links.map((link) => (
            <li key={`${link.label}-${link.url}`}>
              <a href={link.url} rel="noopener noreferrer nofollow">
                {link.label}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {branding.footerText ? <p className="muted">{branding.footerText}</p> : null}
    </footer>
  );
}
