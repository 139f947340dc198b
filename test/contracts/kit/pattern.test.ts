import { describe, expect, it } from 'vitest';
import type { EventPattern } from '../../../contracts/kit/pattern';
import { matchesPattern, validatePattern } from '../../../contracts/kit/pattern';

// Where each row comes from. "derived" rows apply a documented rule to a new value; every other row
// is an example printed in that source, with the event it names or one the text describes.
const PATTERNS = 'Docs: Amazon EventBridge event patterns';
const NULLS = 'Docs: Matching null values and empty strings';
const ARRAYS = 'Docs: Arrays in event patterns';
const FILTERING = 'Docs: Content filtering in event patterns';
const OPERATORS = 'Docs: Comparison operators (table)';
const RULER = 'aws/event-ruler README (the engine behind EventBridge)';
const BLOG = 'AWS Compute Blog: wildcard pattern matching';

type Row = { doc: string; pattern: EventPattern; event: unknown; matches: boolean };

function expectMatch({ pattern, event, matches }: Row): void {
  // Prepare
  const valid = validatePattern(pattern);

  // Act
  const matched = matchesPattern(valid, event);

  // Assess
  expect(matched).toBe(matches);
}

const ec2StateChange = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoScalingLaunch = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieAlert = {
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  detail: {
    'notification-type': 'ALERT_CREATED',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
};

// The sample event of the event-ruler README, which its numeric, cidr and complex examples match.
const rulerEvent = {
  version: '0',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({
  ...rulerEvent,
  detail: { ...rulerEvent.detail, ...detail },
});

const terminated: EventPattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const exactRows: Row[] = [
  {
    doc: `${PATTERNS}: instance-termination pattern`,
    pattern: terminated,
    event: ec2StateChange,
    matches: true,
  },
  {
    doc: `${PATTERNS}: instance-termination pattern, other state`,
    pattern: terminated,
    event: { ...ec2StateChange, detail: { state: 'running' } },
    matches: false,
  },
  {
    doc: `${PATTERNS}: a field of the pattern is missing from the event`,
    pattern: terminated,
    event: { ...ec2StateChange, detail: {} },
    matches: false,
  },
  {
    doc: `${PATTERNS} (derived): no case folding`,
    pattern: { detail: { state: ['Terminated'] } },
    event: ec2StateChange,
    matches: false,
  },
  {
    doc: `${PATTERNS}: match values, aws.fargate`,
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: { source: 'aws.fargate' },
    matches: true,
  },
  {
    doc: `${PATTERNS}: match values, aws.s3`,
    pattern: { source: ['aws.ec2', 'aws.fargate'] },
    event: { source: 'aws.s3' },
    matches: false,
  },
  {
    doc: `${PATTERNS}: field matching on responseElements null`,
    pattern: {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Successful'],
      detail: { responseElements: [null] },
    },
    event: autoScalingLaunch,
    matches: true,
  },
  {
    doc: `${PATTERNS}: value matching, risk-score 80 and trigger risk 8`,
    pattern: {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    },
    event: macieAlert,
    matches: true,
  },
  {
    doc: `${PATTERNS} (derived): the string "80" is not the number 80`,
    pattern: { detail: { 'risk-score': ['80'] } },
    event: macieAlert,
    matches: false,
  },
  {
    doc: `${PATTERNS} (derived): true matches the JSON literal true only`,
    pattern: { detail: { enabled: [true] } },
    event: { detail: { enabled: 'true' } },
    matches: false,
  },
  {
    doc: `${NULLS}: eventVersion [""]`,
    pattern: { detail: { eventVersion: [''] } },
    event: autoScalingLaunch,
    matches: true,
  },
  {
    doc: `${NULLS}: responseElements [null]`,
    pattern: { detail: { responseElements: [null] } },
    event: autoScalingLaunch,
    matches: true,
  },
  {
    doc: `${NULLS}: null does not match an empty string`,
    pattern: { detail: { eventVersion: [null] } },
    event: autoScalingLaunch,
    matches: false,
  },
  {
    doc: `${NULLS}: an empty string does not match null`,
    pattern: { detail: { responseElements: [''] } },
    event: autoScalingLaunch,
    matches: false,
  },
  {
    doc: `${OPERATORS}: And, New York on Monday`,
    pattern: { Location: ['New York'], Day: ['Monday'] },
    event: { Location: 'New York', Day: 'Monday' },
    matches: true,
  },
  {
    doc: `${OPERATORS}: And, New York on Tuesday`,
    pattern: { Location: ['New York'], Day: ['Monday'] },
    event: { Location: 'New York', Day: 'Tuesday' },
    matches: false,
  },
  {
    doc: `${OPERATORS}: Equals, Alice`,
    pattern: { Name: ['Alice'] },
    event: { Name: 'Alice' },
    matches: true,
  },
  {
    doc: `${OPERATORS}: Empty, LastName ""`,
    pattern: { LastName: [''] },
    event: { LastName: '' },
    matches: true,
  },
];

const arrayRows: Row[] = [
  {
    doc: `${ARRAYS}: the first pattern value is the second event value`,
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    matches: true,
  },
  {
    doc: `${ARRAYS} (derived): empty intersection`,
    pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    event: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-00000000'] },
    matches: false,
  },
  {
    doc: `${PATTERNS} (derived): a value inside an array field, Macie tags`,
    pattern: { detail: { tags: ['Insider'] } },
    event: macieAlert,
    matches: true,
  },
  {
    doc: `${RULER}: JSON array matching, Anna among employees`,
    pattern: { employees: { firstName: ['Anna'] } },
    event: {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    },
    matches: true,
  },
  {
    doc: `${RULER}: JSON array matching, multi-level arrays`,
    pattern: { employees: { firstName: ['Anna'] } },
    event: {
      employees: [
        [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
        [{ firstName: 'Peter', lastName: 'Jones' }],
      ],
    },
    matches: true,
  },
  {
    doc: `${RULER}: array consistency, Anna Jones is no single employee`,
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    event: {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    },
    matches: false,
  },
];

const prefixRows: Row[] = [
  {
    doc: `${FILTERING}: prefix 2017-10-02`,
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: { time: '2017-10-02T18:43:48Z' },
    matches: true,
  },
  {
    doc: `${FILTERING} (derived): prefix 2017-10-02, other day`,
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: { time: '2017-10-03T18:43:48Z' },
    matches: false,
  },
  {
    doc: `${FILTERING} (derived): prefix works on strings only`,
    pattern: { detail: { 'c-count': [{ prefix: '5' }] } },
    event: rulerEvent,
    matches: false,
  },
  {
    doc: `${OPERATORS}: Begins with us-`,
    pattern: { Region: [{ prefix: 'us-' }] },
    event: { Region: 'us-east-1' },
    matches: true,
  },
  {
    doc: `${OPERATORS}: Begins with us-, eu-west-1`,
    pattern: { Region: [{ prefix: 'us-' }] },
    event: { Region: 'eu-west-1' },
    matches: false,
  },
  {
    doc: `${FILTERING}: Auto Scaling events from European regions`,
    pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
    event: { ...autoScalingLaunch, region: 'eu-west-1' },
    matches: true,
  },
  {
    doc: `${FILTERING}: prefix ignoring case, EventB vs EVENTBRIDGE`,
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: { detail: { service: 'EVENTBRIDGE' } },
    matches: true,
  },
  {
    doc: `${FILTERING}: prefix ignoring case, EventB vs eventbridge`,
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: { detail: { service: 'eventbridge' } },
    matches: true,
  },
  {
    doc: `${FILTERING} (derived): prefix ignoring case, EventB inside the value`,
    pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
    event: { detail: { service: 'AmazonEventBridge' } },
    matches: false,
  },
];

const suffixRows: Row[] = [
  {
    doc: `${FILTERING}: suffix .png`,
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'cat.png' },
    matches: true,
  },
  {
    doc: `${FILTERING} (derived): suffix .png is case sensitive`,
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'cat.PNG' },
    matches: false,
  },
  {
    doc: `${FILTERING} (derived): suffix .png, a jpg`,
    pattern: { FileName: [{ suffix: '.png' }] },
    event: { FileName: 'cat.jpg' },
    matches: false,
  },
  {
    doc: `${FILTERING}: suffix ignoring case, .png vs .PNG`,
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: { detail: { FileName: 'CAT.PNG' } },
    matches: true,
  },
  {
    doc: `${FILTERING} (derived): suffix ignoring case, a jpg`,
    pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    event: { detail: { FileName: 'cat.JPG' } },
    matches: false,
  },
  {
    doc: `${OPERATORS}: Ends with tbridge ignoring case, TBRIDGE`,
    pattern: { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] },
    event: { service: 'EVENTBRIDGE' },
    matches: true,
  },
  { doc: `${RULER}: suffix ec2`, pattern: { source: [{ suffix: 'ec2' }] }, event: rulerEvent, matches: true },
];

const equalsIgnoreCaseRows: Row[] = [
  {
    doc: `${OPERATORS}: Equals ignoring case, alice vs Alice`,
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    event: { Name: 'Alice' },
    matches: true,
  },
  {
    doc: `${OPERATORS} (derived): Equals ignoring case, alice vs Alicia`,
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    event: { Name: 'Alicia' },
    matches: false,
  },
  {
    doc: `${RULER}: equals-ignore-case EC2`,
    pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
    event: { source: 'ec2' },
    matches: true,
  },
  {
    doc: `${RULER} (derived): equals-ignore-case EC2 vs aws.ec2`,
    pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
    event: rulerEvent,
    matches: false,
  },
];

const wildcardRows: Row[] = [
  {
    doc: `${BLOG}: *.png`,
    pattern: { key: [{ wildcard: '*.png' }] },
    event: { key: 'dir/cat.png' },
    matches: true,
  },
  {
    doc: `${BLOG}: *.png, a jpg`,
    pattern: { key: [{ wildcard: '*.png' }] },
    event: { key: 'dir/cat.jpg' },
    matches: false,
  },
  {
    doc: `${BLOG}: *Title*`,
    pattern: { key: [{ wildcard: '*Title*' }] },
    event: { key: 'MyTitle.txt' },
    matches: true,
  },
  {
    doc: `${BLOG}: *Title*, case sensitive`,
    pattern: { key: [{ wildcard: '*Title*' }] },
    event: { key: 'title' },
    matches: false,
  },
  {
    doc: `${RULER}: Simple*Service`,
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: { source: 'SimpleQueueService' },
    matches: true,
  },
  {
    doc: `${BLOG}: * matches zero characters`,
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: { source: 'SimpleService' },
    matches: true,
  },
  {
    doc: `${RULER} (derived): Simple*Service must match the whole value`,
    pattern: { source: [{ wildcard: 'Simple*Service' }] },
    event: { source: 'SimpleQueueServices' },
    matches: false,
  },
  {
    doc: `${RULER}: \\* is a literal star`,
    pattern: { key: [{ wildcard: 'a\\*b' }] },
    event: { key: 'a*b' },
    matches: true,
  },
  {
    doc: `${RULER}: \\* does not match other characters`,
    pattern: { key: [{ wildcard: 'a\\*b' }] },
    event: { key: 'axb' },
    matches: false,
  },
  {
    doc: `${RULER}: \\\\ is a literal backslash`,
    pattern: { key: [{ wildcard: 'a\\\\*' }] },
    event: { key: 'a\\anything' },
    matches: true,
  },
  {
    doc: `${RULER} (derived): regular-expression characters are literal`,
    pattern: { key: [{ wildcard: 'a.c*' }] },
    event: { key: 'abc' },
    matches: false,
  },
  {
    doc: `${RULER}: wildcard works on strings only`,
    pattern: { detail: { 'c-count': [{ wildcard: '*' }] } },
    event: rulerEvent,
    matches: false,
  },
];

const stateNot = (state: unknown): unknown => ({ detail: { state } });

const anythingButRows: Row[] = [
  {
    doc: `${FILTERING}: anything-but initializing, running`,
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: stateNot('running'),
    matches: true,
  },
  {
    doc: `${FILTERING}: anything-but initializing, initializing`,
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: stateNot('initializing'),
    matches: false,
  },
  {
    doc: `${FILTERING} (derived): anything-but does not match a missing field`,
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: { detail: {} },
    matches: false,
  },
  {
    doc: `${ARRAYS} (derived): anything-but matches when one array element differs`,
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: stateNot(['initializing', 'running']),
    matches: true,
  },
  {
    doc: `${FILTERING}: anything-but 123, 456`,
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: { detail: { 'x-limit': 456 } },
    matches: true,
  },
  {
    doc: `${FILTERING}: anything-but 123, 123`,
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: { detail: { 'x-limit': 123 } },
    matches: false,
  },
  {
    doc: `${FILTERING}: anything-but [stopped, overloaded], running`,
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: stateNot('running'),
    matches: true,
  },
  {
    doc: `${FILTERING}: anything-but [stopped, overloaded], overloaded`,
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: stateNot('overloaded'),
    matches: false,
  },
  {
    doc: `${FILTERING}: anything-but [100, 200, 300], 301.8`,
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: rulerEvent,
    matches: true,
  },
  {
    doc: `${FILTERING}: anything-but [100, 200, 300], 200`,
    pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    event: withDetail({ 'x-limit': 200 }),
    matches: false,
  },
  {
    doc: `${FILTERING}: anything-but prefix init, running`,
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: stateNot('running'),
    matches: true,
  },
  {
    doc: `${FILTERING}: anything-but prefix init, initializing`,
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    event: stateNot('initializing'),
    matches: false,
  },
  {
    doc: `${OPERATORS}: Anything-but begins with us-, eu-west-1`,
    pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    event: { Region: 'eu-west-1' },
    matches: true,
  },
  {
    doc: `${OPERATORS}: Anything-but begins with us-, us-east-1`,
    pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    event: { Region: 'us-east-1' },
    matches: false,
  },
  {
    doc: `${OPERATORS}: Anything-but ends with .png, a jpg`,
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    event: { FileName: 'cat.jpg' },
    matches: true,
  },
  {
    doc: `${OPERATORS}: Anything-but ends with .png, a png`,
    pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
    event: { FileName: 'cat.png' },
    matches: false,
  },
  {
    doc: `${OPERATORS}: Anything-but ignoring case, running`,
    pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    event: { state: 'running' },
    matches: true,
  },
  {
    doc: `${OPERATORS}: Anything-but ignoring case, INITIALIZING`,
    pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    event: { state: 'INITIALIZING' },
    matches: false,
  },
  {
    doc: `${OPERATORS}: Anything-but wildcard */lib/*, a bin path`,
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/bin/env' },
    matches: true,
  },
  {
    doc: `${OPERATORS}: Anything-but wildcard */lib/*, a lib path`,
    pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
    event: { FilePath: '/usr/lib/node' },
    matches: false,
  },
  {
    doc: `${FILTERING}: everything but CloudTrail API calls, a state change`,
    pattern: { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] },
    event: ec2StateChange,
    matches: true,
  },
  {
    doc: `${FILTERING}: everything but CloudTrail API calls, an API call`,
    pattern: { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] },
    event: { 'detail-type': 'AWS API Call via CloudTrail' },
    matches: false,
  },
  {
    doc: `${FILTERING}: all but EC2 and S3, from kismo`,
    pattern: { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] },
    event: { source: 'kismo' },
    matches: true,
  },
  {
    doc: `${FILTERING}: all but EC2 and S3, from S3`,
    pattern: { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] },
    event: { source: 'aws.s3' },
    matches: false,
  },
  {
    doc: `${FILTERING}: only your own events (not prefix aws.), from kismo`,
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: { source: 'kismo' },
    matches: true,
  },
  {
    doc: `${FILTERING}: only your own events (not prefix aws.), from EC2`,
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: ec2StateChange,
    matches: false,
  },
];

const counts: EventPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const numericRows: Row[] = [
  {
    doc: `${FILTERING}: numeric c-count, d-count, x-limit`,
    pattern: counts,
    event: rulerEvent,
    matches: true,
  },
  {
    doc: `${FILTERING}: numeric, c-count 0 is not > 0`,
    pattern: counts,
    event: withDetail({ 'c-count': 0 }),
    matches: false,
  },
  {
    doc: `${FILTERING}: numeric, c-count 6 is not <= 5`,
    pattern: counts,
    event: withDetail({ 'c-count': 6 }),
    matches: false,
  },
  {
    doc: `${FILTERING}: numeric, d-count 10 is not < 10`,
    pattern: counts,
    event: withDetail({ 'd-count': 10 }),
    matches: false,
  },
  {
    doc: `${FILTERING}: numeric, x-limit 301 is not 3.018e2`,
    pattern: counts,
    event: withDetail({ 'x-limit': 301 }),
    matches: false,
  },
  {
    doc: `${FILTERING}: numeric works on JSON numbers only, "5" is a string`,
    pattern: counts,
    event: withDetail({ 'c-count': '5' }),
    matches: false,
  },
  {
    doc: `${OPERATORS}: Numeric equals 100`,
    pattern: { Price: [{ numeric: ['=', 100] }] },
    event: { Price: 100 },
    matches: true,
  },
  {
    doc: `${OPERATORS}: Numeric equals 100, 101`,
    pattern: { Price: [{ numeric: ['=', 100] }] },
    event: { Price: 101 },
    matches: false,
  },
  {
    doc: `${OPERATORS}: Numeric range > 10 <= 20, 20`,
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    event: { Price: 20 },
    matches: true,
  },
  {
    doc: `${OPERATORS}: Numeric range > 10 <= 20, 10`,
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    event: { Price: 10 },
    matches: false,
  },
  {
    doc: `${OPERATORS}: Numeric range > 10 <= 20, 20.5`,
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    event: { Price: 20.5 },
    matches: false,
  },
  {
    doc: `${RULER} (derived): numeric >= 10, 10`,
    pattern: { Price: [{ numeric: ['>=', 10, '<', 20] }] },
    event: { Price: 10 },
    matches: true,
  },
];

const cidrRows: Row[] = [
  {
    doc: `${FILTERING}: cidr 10.0.0.0/24, 10.0.0.255`,
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: { detail: { sourceIPAddress: '10.0.0.255' } },
    matches: true,
  },
  {
    doc: `${FILTERING}: cidr 10.0.0.0/24, 10.0.0.0`,
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: { detail: { sourceIPAddress: '10.0.0.0' } },
    matches: true,
  },
  {
    doc: `${FILTERING}: cidr 10.0.0.0/24, 10.0.1.0`,
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: { detail: { sourceIPAddress: '10.0.1.0' } },
    matches: false,
  },
  {
    doc: `${FILTERING} (derived): cidr, not an address`,
    pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
    event: { detail: { sourceIPAddress: 'localhost' } },
    matches: false,
  },
  {
    doc: `${RULER}: cidr 10.0.0.0/24 on source-ip`,
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: rulerEvent,
    matches: true,
  },
  {
    doc: `${FILTERING} (derived): IPv6 is supported too`,
    pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
    event: { detail: { sourceIPAddress: '2001:db8:1::5' } },
    matches: true,
  },
];

const existsRows: Row[] = [
  {
    doc: `${FILTERING}: exists true, detail.state present`,
    pattern: { detail: { state: [{ exists: true }] } },
    event: { ...ec2StateChange, detail: { 'instance-id': 'i-abcd1111', state: 'pending' } },
    matches: true,
  },
  {
    doc: `${FILTERING}: exists true, no detail.state`,
    pattern: { detail: { state: [{ exists: true }] } },
    event: { 'detail-type': 'EC2 Instance State-change Notification', detail: { 'c-count': { c1: 100 } } },
    matches: false,
  },
  {
    doc: `${FILTERING}: exists false, no detail.c-count`,
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { detail: { state: ['initializing', 'running'] } },
    matches: true,
  },
  {
    doc: `${FILTERING}: exists false, c-count is not a leaf`,
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } },
    matches: true,
  },
  {
    doc: `${FILTERING} (derived): exists false, c-count present`,
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: rulerEvent,
    matches: false,
  },
  {
    doc: `${RULER} (derived): exists false, no detail at all`,
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { source: 'kismo' },
    matches: true,
  },
  {
    doc: `${NULLS} (derived): a null value is present`,
    pattern: { detail: { responseElements: [{ exists: true }] } },
    event: autoScalingLaunch,
    matches: true,
  },
];

const orRows: Row[] = [
  {
    doc: `${RULER}: $or inside detail, d-count < 10 alone`,
    pattern: {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    },
    event: withDetail({ 'c-count': 6, 'x-limit': 1 }),
    matches: true,
  },
  {
    doc: `${RULER}: $or inside detail, no branch holds`,
    pattern: {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    },
    event: withDetail({ 'c-count': 6, 'd-count': 11, 'x-limit': 1 }),
    matches: false,
  },
];

const cloudwatchOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};

const nestedOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    {
      metricType: ['MetricType'],
      namespace: ['AWS/EC2', 'AWS/ES'],
      $or: [{ metricId: [1234] }, { spaceId: [1000] }],
    },
    { scope: ['Service'] },
  ],
};

const parallelOr: EventPattern = {
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
};

orRows.push(
  {
    doc: `${RULER}: normal $or, metricName`,
    pattern: cloudwatchOr,
    event: { source: 'aws.cloudwatch', metricName: 'CPUUtilization' },
    matches: true,
  },
  {
    doc: `${RULER}: normal $or, namespace`,
    pattern: cloudwatchOr,
    event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
    matches: true,
  },
  {
    doc: `${RULER}: normal $or, the AND part fails`,
    pattern: cloudwatchOr,
    event: { source: 'aws.ec2', metricName: 'CPUUtilization' },
    matches: false,
  },
  {
    doc: `${RULER}: normal $or, no branch holds`,
    pattern: cloudwatchOr,
    event: { source: 'aws.cloudwatch', metricName: 'DiskReadOps', namespace: 'AWS/RDS' },
    matches: false,
  },
  {
    doc: `${RULER}: parallel $or at two levels`,
    pattern: parallelOr,
    event: { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
    matches: true,
  },
  {
    doc: `${RULER}: parallel $or, the nested one fails`,
    pattern: parallelOr,
    event: { namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } },
    matches: false,
  },
  {
    doc: `${RULER}: nested $or and AND, metricType, namespace and spaceId`,
    pattern: nestedOr,
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
    matches: true,
  },
  {
    doc: `${RULER}: nested $or and AND, neither metricId nor spaceId`,
    pattern: nestedOr,
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' },
    matches: false,
  },
  {
    doc: `${RULER}: nested $or and AND, scope`,
    pattern: nestedOr,
    event: { source: 'aws.cloudwatch', scope: 'Service' },
    matches: true,
  },
  {
    doc: `${FILTERING} (derived): anything-but or missing, via $or and exists false`,
    pattern: {
      detail: { $or: [{ state: [{ 'anything-but': 'initializing' }] }, { state: [{ exists: false }] }] },
    },
    event: { detail: {} },
    matches: true,
  },
);

const complex: EventPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
  },
};

const complexRows: Row[] = [
  {
    doc: `${FILTERING}: complex example, the README event`,
    pattern: complex,
    event: rulerEvent,
    matches: true,
  },
  {
    doc: `${FILTERING}: complex example, state initializing`,
    pattern: complex,
    event: withDetail({ state: 'initializing' }),
    matches: false,
  },
  {
    doc: `${RULER}: complex example with cidr 10.0.0.0/8`,
    pattern: {
      ...complex,
      detail: { ...(complex.detail as EventPattern), 'source-ip': [{ cidr: '10.0.0.0/8' }] },
    },
    event: rulerEvent,
    matches: true,
  },
];

const groups: Record<string, Row[]> = {
  'exact values, null and empty strings': exactRows,
  arrays: arrayRows,
  prefix: prefixRows,
  suffix: suffixRows,
  'equals-ignore-case': equalsIgnoreCaseRows,
  wildcard: wildcardRows,
  'anything-but': anythingButRows,
  numeric: numericRows,
  cidr: cidrRows,
  exists: existsRows,
  $or: orRows,
  'several operators': complexRows,
};

describe('matchesPattern', () => {
  for (const [operator, rows] of Object.entries(groups)) {
    describe(operator, () => {
      const cases = rows.map((row) => [`${row.doc} → ${row.matches ? 'matches' : 'no match'}`, row] as const);
      it.each(cases)('%s', (_title, row) => expectMatch(row));
    });
  }

  it('compares numbers by value, so 3.0e2 in an event matches 300', () => {
    // Prepare: the docs say numbers are compared as text, but AWS's engine adds a numeric matcher for
    // every number in a pattern, and a parsed event no longer knows how the number was written.
    const pattern = validatePattern(JSON.parse('{"detail": {"x-limit": [300]}}'));
    const event = JSON.parse('{"detail": {"x-limit": 3.0e2}}');

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(true);
  });

  it('matches nothing when the event is not an object, unless only absence is asked', () => {
    // Prepare
    const present = validatePattern({ source: ['kismo'] });
    const absent = validatePattern({ source: [{ exists: false }] });

    // Act
    const results = [matchesPattern(present, 'kismo'), matchesPattern(absent, null)];

    // Assess
    expect(results).toEqual([false, true]);
  });
});

describe('validatePattern', () => {
  const allPatterns = Object.values(groups)
    .flat()
    .map(({ doc, pattern }) => [doc, pattern] as const);

  it.each(allPatterns)('accepts the pattern of %s', (_doc, pattern) => {
    expect(validatePattern(pattern)).toBe(pattern);
  });

  it('accepts a pattern parsed from JSON and returns it unchanged', () => {
    // Prepare
    const parsed: unknown = JSON.parse(
      '{"source": ["aws.ec2"], "detail": {"state": [{"anything-but": ["stopped"]}]}}',
    );

    // Act
    const pattern = validatePattern(parsed);

    // Assess
    expect(pattern).toBe(parsed);
  });

  it.each<[string, unknown, RegExp]>([
    ['a leaf that is not an array', { source: 'kismo' }, /at source: a leaf must be an array/],
    ['a number as leaf', { detail: { count: 5 } }, /at detail\.count: a leaf must be an array/],
    ['null as leaf', { detail: null }, /at detail: a leaf must be an array/],
    ['an empty pattern', {}, /at \(root\): empty objects are not allowed/],
    ['a pattern that is an array', [{ source: ['kismo'] }], /at \(root\): must be a JSON object/],
    ['a pattern that is a string', '{"source": ["kismo"]}', /at \(root\): must be a JSON object/],
    ['null as pattern', null, /at \(root\): must be a JSON object/],
    ['an empty nested object', { detail: {} }, /at detail: empty objects are not allowed/],
    ['an empty value list', { source: [] }, /at source: empty arrays are not allowed/],
    ['an array inside a value list', { source: [['kismo']] }, /at source\[0\]: must be a string, number/],
    ['NaN', { x: [Number.NaN] }, /at x\[0\]: must be a number/],
    ['an unknown operator', { source: [{ contains: 'kis' }] }, /at source\[0\]: unknown operator "contains"/],
    [
      'two operators in one object',
      { source: [{ prefix: 'a', suffix: 'b' }] },
      /at source\[0\]: .*exactly one key/,
    ],
    ['an empty operator object', { source: [{}] }, /at source\[0\]: .*exactly one key/],
    ['prefix with a number', { source: [{ prefix: 5 }] }, /at source\[0\]\.prefix: must be a string/],
    [
      'prefix with another operator',
      { source: [{ prefix: { wildcard: 'a*' } }] },
      /at source\[0\]\.prefix: must be/,
    ],
    [
      'prefix ignoring case with a number',
      { source: [{ prefix: { 'equals-ignore-case': 5 } }] },
      /at source\[0\]\.prefix\.equals-ignore-case: must be a string/,
    ],
    ['suffix with a list', { source: [{ suffix: ['.png'] }] }, /at source\[0\]\.suffix: must be/],
    [
      'equals-ignore-case with a number',
      { Name: [{ 'equals-ignore-case': 1 }] },
      /at Name\[0\]\.equals-ignore-case/,
    ],
    ['consecutive wildcards', { key: [{ wildcard: 'a**b' }] }, /at key\[0\]\.wildcard: consecutive wildcard/],
    [
      'a backslash escaping a letter',
      { key: [{ wildcard: 'a\\b' }] },
      /at key\[0\]\.wildcard: a backslash may only escape/,
    ],
    [
      'a trailing backslash',
      { key: [{ wildcard: 'a\\' }] },
      /at key\[0\]\.wildcard: a backslash may only escape/,
    ],
    ['numeric that is not an array', { n: [{ numeric: '>' }] }, /at n\[0\]\.numeric: must be an array/],
    ['numeric with an unknown comparison', { n: [{ numeric: ['!=', 1] }] }, /at n\[0\]\.numeric: expects/],
    [
      'numeric with the upper bound first',
      { n: [{ numeric: ['<', 5, '>', 0] }] },
      /at n\[0\]\.numeric: expects/,
    ],
    ['numeric = with a range', { n: [{ numeric: ['=', 1, '<', 5] }] }, /at n\[0\]\.numeric: expects/],
    [
      'numeric with too many terms',
      { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] },
      /at n\[0\]\.numeric: expects/,
    ],
    [
      'numeric with a string bound',
      { n: [{ numeric: ['>', '0'] }] },
      /at n\[0\]\.numeric\[1\]: must be a number/,
    ],
    [
      'numeric with a missing bound',
      { n: [{ numeric: ['>', 0, '<'] }] },
      /at n\[0\]\.numeric\[3\]: must be a number/,
    ],
    [
      'numeric with an empty range',
      { n: [{ numeric: ['>', 5, '<', 1] }] },
      /at n\[0\]\.numeric: lower bound/,
    ],
    ['exists with a string', { s: [{ exists: 'true' }] }, /at s\[0\]\.exists: must be true or false/],
    ['cidr without a prefix length', { ip: [{ cidr: '10.0.0.0' }] }, /at ip\[0\]\.cidr: must be an IP range/],
    [
      'cidr with a prefix length over 32',
      { ip: [{ cidr: '10.0.0.0/33' }] },
      /at ip\[0\]\.cidr: must be an IP range/,
    ],
    ['cidr with a host name', { ip: [{ cidr: 'example.com/8' }] }, /at ip\[0\]\.cidr: must be an IP range/],
    [
      'anything-but with null',
      { s: [{ 'anything-but': null }] },
      /at s\[0\]\.anything-but: must be a value, a list/,
    ],
    [
      'anything-but with a boolean',
      { s: [{ 'anything-but': true }] },
      /at s\[0\]\.anything-but: must be a value/,
    ],
    [
      'anything-but with an empty list',
      { s: [{ 'anything-but': [] }] },
      /at s\[0\]\.anything-but: list must hold/,
    ],
    [
      'anything-but with a mixed list',
      { s: [{ 'anything-but': ['a', 1] }] },
      /at s\[0\]\.anything-but: list must hold/,
    ],
    ['anything-but with a list of null', { s: [{ 'anything-but': [null] }] }, /anything-but: list must hold/],
    [
      'anything-but with numeric',
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      /anything-but: must be a value/,
    ],
    [
      'anything-but with an empty prefix',
      { s: [{ 'anything-but': { prefix: '' } }] },
      /anything-but\.prefix: empty prefix/,
    ],
    [
      'anything-but with consecutive wildcards',
      { detail: { path: [{ 'anything-but': { wildcard: '**/lib' } }] } },
      /at detail\.path\[0\]\.anything-but\.wildcard: consecutive wildcard/,
    ],
    [
      'anything-but ignoring case with a number',
      { s: [{ 'anything-but': { 'equals-ignore-case': [1] } }] },
      /at s\[0\]\.anything-but\.equals-ignore-case\[0\]: must be a string/,
    ],
    ['$or that is an object', { $or: { a: ['b'] } }, /at \$or: must be an array of at least two patterns/],
    ['$or with one pattern', { $or: [{ a: ['b'] }] }, /at \$or: must be an array of at least two patterns/],
    ['$or with a value list', { $or: ['a', 'b'] }, /at \$or\[0\]: must be a JSON object/],
    ['$or with an empty pattern', { $or: [{ a: ['b'] }, {}] }, /at \$or\[1\]: empty objects are not allowed/],
    [
      'an operator name as a field inside $or',
      { detail: { $or: [{ prefix: ['a'] }, { b: ['c'] }] } },
      /at detail\.\$or\[0\]\.prefix: "prefix" is an operator/,
    ],
    [
      'a bad leaf deep inside $or',
      { $or: [{ a: ['b'] }, { detail: { state: 'x' } }] },
      /at \$or\[1\]\.detail\.state: a leaf must be an array/,
    ],
  ])('rejects %s', (_name, pattern, message) => {
    // Act
    const validate = () => validatePattern(pattern);

    // Assess
    expect(validate).toThrow(Error);
    expect(validate).toThrow(message);
  });
});
