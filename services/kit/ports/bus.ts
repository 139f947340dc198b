import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Bus, BusEntry, BusEntryResult } from '../../../contracts/kit/bus';
import type { PortMaker } from './maker';

export type { Bus, BusEntry, BusEntryResult } from '../../../contracts/kit/bus';

/** Marks an entry EventBridge did not answer for, so `publish` retries it like any failed entry. */
const missingResult: BusEntryResult = {
  ErrorCode: 'MissingResult',
  ErrorMessage: 'PutEvents returned no result for this entry',
};

/**
 * The kismo event bus on EventBridge. One call per `putEvents`: batching and retries are `publish`'s.
 *
 * @param client an EventBridge client built by the caller
 * @param busName the bus every entry is put on
 */
export function eventBridgeBus(client: EventBridgeClient, busName: string): Bus {
  return {
    async putEvents(entries: readonly BusEntry[]): Promise<readonly BusEntryResult[]> {
      // PutEvents rejects an empty entry list.
      if (entries.length === 0) return [];
      const output = await client.send(
        new PutEventsCommand({
          Entries: entries.map((entry) => ({
            EventBusName: busName,
            Source: entry.Source,
            DetailType: entry.DetailType,
            Detail: entry.Detail,
            Resources: entry.Resources ? [...entry.Resources] : undefined,
            Time: entry.Time,
          })),
        }),
      );
      const results = output.Entries ?? [];
      return entries.map((_, i): BusEntryResult => {
        const result = results[i];
        if (!result) return missingResult;
        return { EventId: result.EventId, ErrorCode: result.ErrorCode, ErrorMessage: result.ErrorMessage };
      });
    },
  };
}

export const makeBus: PortMaker<Bus> = (config) =>
  eventBridgeBus(new EventBridgeClient({ region: config.region }), config.busName);
