import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type K8sObject, kustomize, overlays } from '../support/kustomize';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The kubernetes-models classes (their OpenAPI schemas) by apiVersion; a missing one fails the test. */
const models: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'autoscaling/v2': autoscalingV2,
  'batch/v1': batchV1,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
};

function validate(object: K8sObject): void {
  const Model = models[object.apiVersion]?.[object.kind] as
    | (new (
        data: unknown,
      ) => { validate: () => void })
    | undefined;
  if (!Model) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

type Container = {
  name: string;
  image: string;
  env?: Array<{ name: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type PodSpec = { containers: Container[] };
const podOf = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

/** Every env name a container gets: its own and those of the ConfigMaps and Secrets it loads. */
function envNames(objects: K8sObject[], container: Container): string[] {
  const names = new Set((container.env ?? []).map((e) => e.name));
  for (const from of container.envFrom ?? []) {
    const source = from.configMapRef
      ? named(objects, 'ConfigMap', from.configMapRef.name)
      : named(objects, 'Secret', from.secretRef?.name ?? '');
    if (!source) throw new Error(`envFrom names a missing object: ${JSON.stringify(from)}`);
    for (const key of Object.keys((source.data ?? source.stringData ?? {}) as object)) names.add(key);
  }
  return [...names].sort();
}

const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string> }>;
};
const composeEnv = (service: string) => Object.keys(compose.services[service]?.environment ?? {}).sort();

describe.each(overlays(repoRoot))('the Kubernetes overlay %s', (overlay) => {
  const objects = kustomize(path.join(repoRoot, 'deploy', 'k8s', 'overlays', overlay));
  const deployments = byKind(objects, 'Deployment');
  const config = named(objects, 'ConfigMap', 'sentinelmesh-config')?.data as
    | Record<string, string>
    | undefined;
  const regions = (config?.REGIONS ?? '').split(',');

  it('renders objects that all validate against the Kubernetes OpenAPI schemas', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) {
      expect(() => validate(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe('sentinelmesh');
    }
  });

  it('runs api, 2+ schedulers, one worker Deployment per region, verifier and web, each probed and sized', () => {
    const names = deployments.map((d) => d.metadata.name).sort();
    expect(names).toEqual(
      ['api', 'scheduler', 'verifier', 'web', ...regions.map((r) => `worker-${r}`)].sort(),
    );
    expect(
      (named(objects, 'Deployment', 'scheduler')?.spec as { replicas: number } | undefined)?.replicas,
    ).toBeGreaterThanOrEqual(2);
    for (const deployment of deployments) {
      const [container] = podOf(deployment).containers;
      expect(container?.livenessProbe?.httpGet?.path, deployment.metadata.name).toBe('/health');
      expect(container?.readinessProbe?.httpGet?.path, deployment.metadata.name).toBe('/ready');
      expect(container?.resources?.requests?.cpu, deployment.metadata.name).toBeTruthy();
      expect(container?.resources?.limits?.memory, deployment.metadata.name).toBeTruthy();
      expect(container?.image).toMatch(/^registry\.example\.com\/sentinelmesh-[a-z]+:0\.1\.0$/);
    }
    for (const region of regions) {
      const worker = named(objects, 'Deployment', `worker-${region}`);
      expect(podOf(worker as K8sObject).containers[0]?.env).toContainEqual({ name: 'REGION', value: region });
    }
  });

  it('gives every worker that runs browser checks a writable /tmp under its read-only root, and room for Chromium', () => {
    for (const region of regions) {
      const worker = named(objects, 'Deployment', `worker-${region}`) as K8sObject;
      const pod = podOf(worker) as PodSpec & {
        volumes?: Array<{ name: string; emptyDir?: object }>;
      };
      const container = pod.containers[0] as Container & {
        securityContext?: { readOnlyRootFilesystem?: boolean };
        volumeMounts?: Array<{ name: string; mountPath: string }>;
      };
      const env = Object.fromEntries(
        (container.env as Array<{ name: string; value?: string }>).map((e) => [e.name, e.value]),
      );
      expect(Number(env.BROWSER_CONCURRENCY), region).toBeGreaterThan(0);
      expect(env.CHROMIUM_PATH, region).toBe('/usr/bin/chromium');
      expect(container.securityContext?.readOnlyRootFilesystem, region).toBe(true);
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(tmp, `${region}: a volume at /tmp`).toBeDefined();
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, region).toBeDefined();
      // The worker, Chromium's renderers (256 MiB each, two at most) and the runner (128 MiB).
      const limit = container.resources?.limits?.memory ?? '0Mi';
      expect(Number.parseInt(limit, 10) * (limit.endsWith('Gi') ? 1024 : 1), region).toBeGreaterThanOrEqual(
        1024,
      );
    }
  });

  it('gives every Deployment a disruption budget and every worker an autoscaler', () => {
    for (const deployment of deployments) {
      const budget = byKind(objects, 'PodDisruptionBudget').find(
        (p) =>
          (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels[
            'app.kubernetes.io/name'
          ] === deployment.metadata.name,
      );
      expect(budget, deployment.metadata.name).toBeDefined();
    }
    const scaled = byKind(objects, 'HorizontalPodAutoscaler').map(
      (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name,
    );
    expect(scaled.sort()).toEqual(regions.map((r) => `worker-${r}`).sort());
  });

  it('migrates in a Job, keeps the secrets in Secrets, restricts ingress and terminates TLS at the Ingress', () => {
    const job = named(objects, 'Job', 'sentinelmesh-migrate') as K8sObject;
    const [migrator] = podOf(job).containers;
    expect(migrator?.image).toContain('sentinelmesh-api');
    expect(envNames(objects, migrator as Container)).toEqual(['APP_DATABASE_URL', 'DATABASE_URL']);

    const secretKeys = byKind(objects, 'Secret').flatMap((s) => Object.keys(s.stringData as object));
    for (const key of ['JWT_SECRET', 'SECRETS_KEY', 'DATABASE_URL', 'REDIS_URL'])
      expect(secretKeys).toContain(key);
    const config = named(objects, 'ConfigMap', 'sentinelmesh-config')?.data as Record<string, string>;
    for (const key of ['JWT_SECRET', 'SECRETS_KEY', 'DATABASE_URL']) expect(config).not.toHaveProperty(key);

    expect(
      byKind(objects, 'NetworkPolicy').some((p) => JSON.stringify(p.spec).includes('"podSelector":{}')),
    ).toBe(true);
    const ingress = named(objects, 'Ingress', 'sentinelmesh');
    expect((ingress?.spec as { tls: unknown[] } | undefined)?.tls).toHaveLength(1);
  });

  it('gives each app the same environment variable names as docker-compose.yml', () => {
    const container = (name: string) =>
      podOf(named(objects, 'Deployment', name) as K8sObject).containers[0] as Container;
    const pairs: Array<[string, string]> = [
      ['api', 'api'],
      ['scheduler', 'scheduler'],
      ['verifier', 'verifier'],
      ['web', 'web'],
      [`worker-${regions[0]}`, `worker-${regions[0]}`],
    ];
    for (const [deployment, service] of pairs) {
      expect(envNames(objects, container(deployment)), deployment).toEqual(composeEnv(service));
    }
    const [migrator] = podOf(named(objects, 'Job', 'sentinelmesh-migrate') as K8sObject).containers;
    expect(envNames(objects, migrator as Container)).toEqual(composeEnv('migrate'));
  });
});

describe('the Kubernetes probe example', () => {
  const objects = kustomize(path.join(repoRoot, 'deploy', 'k8s', 'probe'));
  const deployment = named(objects, 'Deployment', 'probe') as K8sObject;
  const pod = (deployment.spec as { template: { spec: PodSpec & Record<string, unknown> } }).template.spec;
  const [container] = pod.containers as unknown as Array<
    Omit<Container, 'env'> & {
      env: Array<{
        name: string;
        value?: string;
        valueFrom?: { secretKeyRef?: { name: string; key: string } };
      }>;
      securityContext: { readOnlyRootFilesystem: boolean };
      volumeMounts: Array<{ name: string; mountPath: string }>;
    }
  >;

  it('renders objects that all validate against the Kubernetes OpenAPI schemas, in their own namespace', () => {
    for (const object of objects) {
      expect(() => validate(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe('sentinelmesh-probe');
    }
  });

  it('gives the probe its gateway and token only, the token from a Secret, and no database or Redis settings', () => {
    const env = Object.fromEntries(container?.env.map((e) => [e.name, e]) ?? []);
    expect(env.PROBE_GATEWAY?.value).toMatch(/^https:\/\//);
    expect(env.PROBE_TOKEN?.value).toBeUndefined();
    const ref = env.PROBE_TOKEN?.valueFrom?.secretKeyRef;
    const secret = named(objects, 'Secret', ref?.name ?? '');
    expect(Object.keys((secret?.stringData ?? {}) as object)).toContain(ref?.key);
    const names = envNames(objects, container as Container);
    expect(names).not.toContain('DATABASE_URL');
    expect(names).not.toContain('REDIS_URL');
    expect(container?.image).toBe('registry.example.com/sentinelmesh-probe:0.1.0');
  });

  it('runs one non-root probe with a read-only root and its spool on a volume that outlives the pod', () => {
    expect((deployment.spec as { replicas: number }).replicas).toBe(1);
    expect((deployment.spec as { strategy: { type: string } }).strategy.type).toBe('Recreate');
    expect((pod.securityContext as { runAsNonRoot: boolean }).runAsNonRoot).toBe(true);
    expect(container?.securityContext.readOnlyRootFilesystem).toBe(true);
    const spoolDir = container?.env.find((e) => e.name === 'PROBE_SPOOL_DIR')?.value;
    const mount = container?.volumeMounts.find((m) => m.mountPath === spoolDir);
    const volume = (
      pod.volumes as Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>
    ).find((v) => v.name === mount?.name);
    expect(
      named(objects, 'PersistentVolumeClaim', volume?.persistentVolumeClaim?.claimName ?? ''),
    ).toBeDefined();
    expect(container?.resources?.limits?.memory).toBeTruthy();
  });

  it('lets nothing connect to the probe', () => {
    const policy = named(objects, 'NetworkPolicy', 'probe');
    expect(policy?.spec).toMatchObject({ policyTypes: ['Ingress'], ingress: [] });
  });
});
