import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The apps compiled as `npm run build` compiles them (swc), into a folder of this test's own
 * under dist/, so a test can run a real process and send it signals.
 */
export class BuiltApps {
  private constructor(
    readonly root: string,
    readonly outDir: string,
  ) {}

  /** Compiles the project at `root` (this one by default). */
  static build(root = ROOT): BuiltApps {
    const outDir = `dist/test-${randomUUID().slice(0, 8)}`;
    execFileSync(process.execPath, ['node_modules/@swc/cli/bin/swc.js', 'apps', 'libs', '-d', outDir, '-q', '--ignore', '**/*.spec.ts'], {
      cwd: root,
      stdio: 'inherit',
    });
    return new BuiltApps(root, outDir);
  }

  start(app: 'producer' | 'worker', env: Record<string, string>): RunningApp {
    const child = spawn(process.execPath, [`${this.outDir}/apps/${app}/src/main.js`], {
      cwd: this.root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new RunningApp(child);
  }

  remove(): void {
    rmSync(`${this.root}/${this.outDir}`, { recursive: true, force: true });
  }
}

export class RunningApp {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  }

  /** Log lines as parsed JSON objects (the apps log one JSON object per line). */
  get logs(): Array<Record<string, any>> {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${pattern} in output:\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
