import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Renders a kustomization the way `kustomize build` does, for the features deploy/k8s uses:
 * resources (files and kustomization folders), namespace, labels (metadata only), images, replicas
 * and strategic-merge patches of maps. No kustomize binary ships on npm; anything else a
 * kustomization names is refused, so a manifest cannot silently use a feature rendered wrongly here.
 */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
};

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume']);
const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'labels',
  'images',
  'replicas',
  'patches',
]);

function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strategic merge for the patches used here: maps merge key by key, anything else is replaced. */
function merge(target: unknown, patch: unknown): unknown {
  if (!isRecord(target) || !isRecord(patch)) return patch;
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) out[key] = merge(target[key], value);
  return out;
}

function containersOf(object: K8sObject): Array<{ image?: string }> {
  const spec = object.spec as { template?: { spec?: Record<string, unknown> }; jobTemplate?: unknown };
  const pod = spec?.template?.spec;
  if (!pod) return [];
  return [...((pod.containers as []) ?? []), ...((pod.initContainers as []) ?? [])];
}

export function kustomize(dir: string): K8sObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  const [k] = readObjects(file) as unknown as Array<Record<string, unknown>>;
  if (!k) throw new Error(`${file} is empty`);
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: "${key}" is not rendered by this test's kustomize`);
  }
  let objects: K8sObject[] = [];
  for (const resource of (k.resources as string[]) ?? []) {
    const full = path.join(dir, resource);
    objects.push(...(statSync(full).isDirectory() ? kustomize(full) : readObjects(full)));
  }
  for (const patch of (k.patches as Array<{ path: string }>) ?? []) {
    for (const p of readObjects(path.join(dir, patch.path))) {
      const index = objects.findIndex((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (index < 0) throw new Error(`${file}: patch target ${p.kind}/${p.metadata.name} not found`);
      objects[index] = merge(objects[index], p) as K8sObject;
    }
  }
  for (const { name, count } of (k.replicas as Array<{ name: string; count: number }>) ?? []) {
    const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    if (!target) throw new Error(`${file}: replicas for unknown Deployment ${name}`);
    (target.spec as { replicas: number }).replicas = count;
  }
  for (const image of (k.images as Array<{ name: string; newName?: string; newTag?: string }>) ?? []) {
    for (const container of objects.flatMap(containersOf)) {
      const [name, tag] = (container.image ?? '').split(':');
      if (name !== image.name) continue;
      container.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
    }
  }
  for (const { pairs } of (k.labels as Array<{ pairs: Record<string, string> }>) ?? []) {
    objects = objects.map((o) => ({
      ...o,
      metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...pairs } },
    }));
  }
  if (typeof k.namespace === 'string') {
    const namespace = k.namespace;
    objects = objects.map((o) =>
      CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace } },
    );
  }
  return objects;
}

/** The overlays under deploy/k8s/overlays, by folder name. */
export function overlays(root: string): string[] {
  const dir = path.join(root, 'deploy', 'k8s', 'overlays');
  return readdirSync(dir).filter((name) => existsSync(path.join(dir, name, 'kustomization.yaml')));
}
