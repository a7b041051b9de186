import { availableParallelism, cpus, loadavg } from 'node:os';

export interface MachineInfo {
  date: string;
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** 1-minute load average when the section started: others share this machine. */
  loadAverage: number;
}

export function describeMachine(): MachineInfo {
  return {
    date: new Date().toISOString(),
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
