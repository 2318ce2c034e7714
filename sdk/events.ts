/**
 * Event readers: the events one contract emitted in a transaction receipt, decoded with its ABI.
 */
import type { BaseContract, Log, LogDescription } from "ethers";

/** What a receipt carries that the readers use. */
export interface ReceiptLogs {
  readonly logs: ReadonlyArray<Pick<Log, "address" | "topics" | "data">>;
}

/**
 * The events named `eventName` that `contract` (by its address) emitted in `receipt`, in log order. Logs of other
 * addresses, and logs its ABI does not decode, are skipped. Throws if the ABI has no such event (a typo).
 */
export async function eventsIn(
  contract: BaseContract,
  receipt: ReceiptLogs | null,
  eventName: string,
): Promise<LogDescription[]> {
  if (contract.interface.getEvent(eventName) === null) {
    throw new Error(`the contract's ABI has no event ${eventName}`);
  }
  if (receipt === null) return [];
  const address = (await contract.getAddress()).toLowerCase();
  const found: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = contract.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed !== null && parsed.name === eventName) found.push(parsed);
  }
  return found;
}

/** The single `eventName` event of `contract` in `receipt`; throws unless there is exactly one. */
export async function eventIn(
  contract: BaseContract,
  receipt: ReceiptLogs | null,
  eventName: string,
): Promise<LogDescription> {
  const events = await eventsIn(contract, receipt, eventName);
  if (events.length !== 1) throw new Error(`expected one ${eventName} event, found ${events.length}`);
  return events[0]!;
}
