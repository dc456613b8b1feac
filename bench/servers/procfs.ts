// CPU and memory of a server child, read from /proc so the measurement adds no work inside the
// measured process (an in-process probe would itself cost the server CPU it reports).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessSample {
  cpuSeconds: number;
  rssMb: number;
  /** The kernel's high-water mark of RSS since the process started. */
  hwmMb: number;
}

const clockTicksPerSecond = readClockTicks();

export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuSeconds: parseCpuTicks(stat) / clockTicksPerSecond,
    rssMb: parseStatusKb(status, 'VmRSS') / 1024,
    hwmMb: parseStatusKb(status, 'VmHWM') / 1024,
  };
}

/** utime + stime from `/proc/<pid>/stat`; fields counted after the `(comm)` that may hold spaces. */
export function parseCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After comm: state is field 3 of the man page, so utime (14) and stime (15) are at 11 and 12.
  return Number(fields[11]) + Number(fields[12]);
}

export function parseStatusKb(status: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${key} line`);
  return Number(match[1]);
}

function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
