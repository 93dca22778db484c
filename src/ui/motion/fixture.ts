/** Test support: runs a scenario in the engine and returns each packet's journey and the configuration. */
import type { SimEvent } from '../../engine/events';
import { Simulator } from '../../engine/simulator';
import { pipelineView, type PipelineView } from '../../worker/pipeline';
import { byPacket } from '../../worker/packetlog';

export function runScenario(text: string): { journeys: Map<number, SimEvent[]>; pipeline: PipelineView } {
  const sim = new Simulator({ seed: 1 });
  const events: SimEvent[] = [];
  sim.subscribe((e) => events.push(e));
  sim.run(text);
  return { journeys: byPacket(events), pipeline: pipelineView(sim) };
}
