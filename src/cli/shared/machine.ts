// The machine a headless run was measured on, in words for the findings report: CPU model, cores,
// memory, OS and Node version. Deliberately no host name or user: the files are published.
import { arch, cpus, platform, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() || 'unknown CPU',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${arch()}`,
    node: process.version,
  };
}

/** "AMD EPYC 7B13 (2 cores, 7.8 GiB), linux x64, Node v20.20.2" */
export function machineText(m: Machine): string {
  return `${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}, Node ${m.node}`;
}
