import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** How a {@link LineProcess} is started and how its stdout lines are read. */
export interface LineProcessOptions<Line> {
  /** Names the process in error messages. */
  readonly label: string;
  /** Turns one stdout line into a `Line`, or `null` to skip it. */
  readonly parse: (text: string, receivedAt: number) => Line | null;
  /** Called for every parsed line, in order. */
  readonly onLine?: (line: Line) => void;
  /** Environment of the child (default: the parent's). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A TypeScript script run as a Node child process (through tsx) whose stdout is read as
 * lines, with a `waitFor` that wakes on every new line. Shared by the store and replica tests.
 */
export class LineProcess<Line> {
  /** Every line parsed so far. */
  readonly lines: Line[] = [];
  /** Resolves with the exit code (or signal) once the process ended and its output is read. */
  readonly exited: Promise<number | NodeJS.Signals>;
  protected readonly child: ChildProcessWithoutNullStreams;
  readonly #label: string;
  readonly #waiters = new Set<() => void>();
  #stderr = '';
  #ended = false;

  /**
   * @param scriptPath - absolute path of the script
   * @param args - its command-line arguments
   */
  constructor(scriptPath: string, args: readonly string[], options: LineProcessOptions<Line>) {
    this.#label = options.label;
    this.child = spawn(process.execPath, ['--import', 'tsx', scriptPath, ...args], { stdio: 'pipe', env: options.env ?? process.env });
    let partial = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      const receivedAt = Date.now();
      for (const part of parts) {
        const line = options.parse(part, receivedAt);
        if (line === null) continue;
        this.lines.push(line);
        options.onLine?.(line);
      }
      this.#wake();
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': only then has all of stdout been read.
      this.child.on('close', (code, signal) => {
        this.#ended = true;
        this.#wake();
        resolve(code ?? signal ?? 'SIGKILL');
      });
    });
  }

  /** The OS process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the process has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** What the process wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Writes one line to the process's stdin. */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Sends a signal (no-op once ended). */
  signal(signal: NodeJS.Signals): void {
    if (!this.#ended) this.child.kill(signal);
  }

  /** Sends SIGKILL and waits for the process to end. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Resolves once `test(lines)` holds; rejects after `timeoutMs` or if the process ends first. */
  async waitFor(test: (lines: readonly Line[]) => boolean, timeoutMs: number, what = 'a line'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test(this.lines)) {
      if (this.#ended) throw new Error(`${this.#label} ended before ${what}; stderr: ${this.#stderr.slice(-3000)}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.#label}: no ${what} within ${timeoutMs} ms; last lines: ${JSON.stringify(this.lines.slice(-5))}; stderr: ${this.#stderr.slice(-2000)}`);
      }
      await this.#sleepUntilWoken(left);
    }
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
  }

  #sleepUntilWoken(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#waiters.add(wake);
    });
  }
}
