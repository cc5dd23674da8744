/**
 * Styles over swagger-ui's own for /docs: text that meets WCAG AA contrast (4.5:1) where swagger-ui's
 * light greens, blues and greys do not, and no unlabelled dark-mode toggle or server picker. Served as a stylesheet
 * file, so the page's CSP still forbids inline styles.
 */
export const docsThemeCss = `
.swagger-ui .opblock .opblock-summary-method { color: #fff; text-shadow: none; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #0d5aa7; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #176c40; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #8a4a00; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0a6357; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b71c1c; }
.swagger-ui .opblock.opblock-head .opblock-summary-method { background: #6b21a8; }
.swagger-ui .opblock.opblock-options .opblock-summary-method { background: #0d4f8b; }
.swagger-ui .topbar .download-url-wrapper .download-url-button { background: #176c40; color: #fff; }
.swagger-ui .info .title small pre, .swagger-ui .version-stamp pre { background: #4b5563; color: #fff; }
.swagger-ui .info .title small, .swagger-ui .info .title small.version-stamp { background: #4b5563; }
.swagger-ui .info .url, .swagger-ui .info a, .swagger-ui .info__license__url .link { color: #1d4ed8; }
.swagger-ui .btn.authorize { color: #176c40; border-color: #176c40; }
.swagger-ui .btn.authorize span { color: #176c40; }
.swagger-ui .btn.authorize svg { fill: #176c40; }
.swagger-ui .dark-mode-toggle { display: none; }
/* One server, this deployment: its picker has no label and no choice to offer. */
.swagger-ui .scheme-container .servers-title, .swagger-ui .scheme-container .servers { display: none; }
`;
