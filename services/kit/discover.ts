import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Service } from './define-service';

/** Where service folders live: `services/<name>/service.ts`, each with a default-exported definition. */
export const SERVICES_DIR = path.resolve(import.meta.dirname, '..');

export interface DiscoveredService {
  readonly service: Service;
  /** The folder of the service (its `handler.ts` is the Lambda entry). */
  readonly dir: string;
}

/** Finds every service by its folder, so adding a folder adds a service to both hosts with no other change. */
export async function discoverServices(root: string = SERVICES_DIR): Promise<DiscoveredService[]> {
  const found: DiscoveredService[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!entry.isDirectory() || entry.name === 'kit') continue;
    const dir = path.join(root, entry.name);
    const file = path.join(dir, 'service.ts');
    if (!existsSync(file)) continue;
    const module = (await import(pathToFileURL(file).href)) as { default?: Service };
    const service = module.default;
    if (!service || typeof service.handle !== 'function' || !Array.isArray(service.contracts)) {
      throw new Error(`${file} must default-export a defineService(...) definition`);
    }
    if (service.name !== entry.name) {
      throw new Error(`${file} defines service "${service.name}": a service's name is its folder's name`);
    }
    found.push({ service, dir });
  }
  return found;
}
