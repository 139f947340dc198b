import type { Bill } from './bill';

const usd = (x: number) => `$${x.toFixed(2)}`;

/** The model in a sentence. */
export function describeUsage(bill: Bill): string {
  const u = bill.usage;
  return (
    `${u.users} users, ${u.instances} instances running ${u.hoursPerDay} h a working day for ${u.workingDays} days ` +
    `(${bill.volumes.instanceHours?.toLocaleString('en-US')} instance-hours), ${u.sessions} sessions, ${u.presses} Slack presses`
  );
}

/** The bill as a Markdown table, as docs/deploy.md shows it. */
export function billMarkdown(bill: Bill): string {
  const rows = [
    '| item | arithmetic | per month | with the free tier |',
    '| --- | --- | --- | --- |',
    ...bill.lines.map((l) => `| ${l.item} | ${l.arithmetic} | ${usd(l.usd)} | ${usd(l.usdWithFreeTier)} |`),
    `| **total** | | **${usd(bill.total)}** | **${usd(bill.totalWithFreeTier)}** |`,
  ];
  return rows.join('\n');
}

/** The bill for a terminal: the model, each line with its arithmetic, the totals, the prices' date. */
export function billText(bill: Bill): string {
  const width = Math.max(...bill.lines.map((l) => l.item.length), 'total'.length);
  const money = (x: number) => usd(x).padStart(8);
  const out = [
    `kismo control plane, a month in ${bill.region} (list prices of ${bill.asOf})`,
    `usage: ${describeUsage(bill)}`,
    '',
    `${'item'.padEnd(width)}  ${'month'.padStart(8)}  ${'free tier'.padStart(9)}  arithmetic`,
    ...bill.lines.map(
      (l) =>
        `${l.item.padEnd(width)}  ${money(l.usd)}  ${money(l.usdWithFreeTier).padStart(9)}  ${l.arithmetic}`,
    ),
    `${'total'.padEnd(width)}  ${money(bill.total)}  ${money(bill.totalWithFreeTier).padStart(9)}`,
    '',
    `Not counted: the instances (EC2, their EBS volumes, public IPv4 addresses) and the data in the bucket.`,
    `Sources: ${bill.sources.join(' ')}`,
  ];
  return `${out.join('\n')}\n`;
}

/**
 * What docs/deploy.md shows between its `npm run cost` markers: the four figures (the default
 * model and no instance, without and with the free tier), then the default model line by line.
 */
export function costDocBlock(model: Bill, idle: Bill): string {
  return [
    `List prices of ${model.region} as of ${model.asOf}; the model: ${describeUsage(model)}.`,
    '',
    '| | per month | with the always-free tier |',
    '| --- | --- | --- |',
    `| ${model.usage.users} users, ${model.usage.instances} instances | ${usd(model.total)} | ${usd(model.totalWithFreeTier)} |`,
    `| no instance running | ${usd(idle.total)} | ${usd(idle.totalWithFreeTier)} |`,
    '',
    billMarkdown(model),
  ].join('\n');
}
