/** Hands out resource keys (`^[a-z0-9][a-z0-9-_.]{0,99}$`), unique within one kind of resource. */
export class KeySet {
  private readonly taken = new Set<string>();

  /** A key made from a name: `Checkout API` -> `checkout-api`; `fallback` when nothing is left of it. */
  claim(name: string, fallback: string): string {
    const base = slug(name) || slug(fallback) || 'item';
    let key = base;
    for (let n = 2; this.taken.has(key); n++) key = `${base.slice(0, 95)}-${n}`;
    this.taken.add(key);
    return key;
  }
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 100);
}

/** Hands out environment variable names (`CHECKOUT_API_PASSWORD`), each once. */
export class EnvNames {
  private readonly taken = new Set<string>();

  /** A new name from a resource key and what it holds. */
  claim(key: string, what: string): string {
    const base = `${key}_${what}`
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    const name = /^[A-Z]/.test(base) ? base : `X_${base}`;
    let unique = name;
    for (let n = 2; this.taken.has(unique); n++) unique = `${name}_${n}`;
    this.taken.add(unique);
    return unique;
  }

  /** Keeps a name the source already used (a Gatus `${VAR}`), so both read the same variable. */
  reuse(name: string): string {
    this.taken.add(name);
    return name;
  }
}
