import path from 'node:path';
import { instanceRoleName } from '../../../contracts/instance-roles';
import type { Service } from '../../../services/kit/define-service';
import { dataBucketPolicy } from '../../iam/bucket-policy';
import { ownerInstanceGrants } from '../../iam/instance-grants';
import { type ArnScope, documentOf, type PolicyDocumentJson, statement } from '../../iam/policy';
import { type CapabilityTargets, serviceGrants } from '../../iam/service-grants';
import { userGrants } from '../../iam/user-grants';
import { type AccessRequest, type Decision, PolicyEvaluator } from './evaluator';
import { Identities } from './identities';
import type { Credentials, Principal } from './principal';

/** The local cloud's account, and the names its resources go by. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_LAUNCH_TEMPLATE = 'lt-0000000000local';
export const LOCAL_IMAGE = 'ami-0000000000local';
export const LOCAL_SECURITY_GROUP = 'sg-0000000000local';

/** What the local cloud's IAM needs to know of it. */
export interface LocalIamOptions {
  readonly region: string;
  readonly bucket: string;
  readonly busName: string;
  readonly subnets: readonly string[];
  readonly allowedInstanceTypes: readonly string[];
  /** Where users' keys are kept between runs. */
  readonly stateDir: string;
  /** The operator's keys: an administrator of the local account, for `LocalCloud.s3()` and tests. */
  readonly operator: Credentials;
}

/**
 * The IAM of the local cloud: its users (people, with the `KismoUser` policy), the roles of its
 * functions and of each owner's instances, and the data bucket's policy — all built by the code
 * that builds the stack's (infra/iam), and every request judged against them as IAM judges it.
 */
export class LocalIam {
  readonly identities: Identities;
  readonly evaluator: PolicyEvaluator;
  readonly arns: ArnScope;
  readonly targets: CapabilityTargets;
  readonly bucketPolicy: PolicyDocumentJson;
  private readonly owners = new Set<string>();
  private readonly instanceSessions = new Map<string, Credentials>();

  constructor(private readonly options: LocalIamOptions) {
    this.arns = { partition: 'aws', region: options.region, account: LOCAL_ACCOUNT };
    this.identities = new Identities(LOCAL_ACCOUNT, path.join(options.stateDir, 'iam-users.json'));
    this.evaluator = new PolicyEvaluator(LOCAL_ACCOUNT);
    const bucketArn = `arn:aws:s3:::${options.bucket}`;
    this.bucketPolicy = dataBucketPolicy(bucketArn);
    this.targets = {
      arns: this.arns,
      bucketArn,
      eventBusArn: `arn:aws:events:${options.region}:${LOCAL_ACCOUNT}:event-bus/${options.busName}`,
      slackTokenSecretArn: `arn:aws:secretsmanager:${options.region}:${LOCAL_ACCOUNT}:secret:kismo/slack-bot-token-local`,
      launch: {
        launchTemplateId: LOCAL_LAUNCH_TEMPLATE,
        instanceRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/kismo/owners/*`,
        securityGroupId: LOCAL_SECURITY_GROUP,
        subnetIds: options.subnets,
        imageId: LOCAL_IMAGE,
        allowedInstanceTypes: options.allowedInstanceTypes,
      },
    };
    const administrator = documentOf([
      { statement: statement({ sid: 'Administrator', actions: ['*'], resources: ['*'] }) },
    ]);
    this.identities.addUser(
      'operator',
      [{ name: 'AdministratorAccess', document: administrator }],
      {},
      options.operator,
    );
  }

  /**
   * A person: an IAM user with the `KismoUser` policy, and, as the stack does for each owner it
   * lists, an instance role and profile of their own. Their keys stay the same from run to run.
   */
  addUser(name: string): Credentials {
    const policy = documentOf(
      userGrants({
        arns: this.arns,
        bucketArn: this.targets.bucketArn,
        stackId: `arn:aws:cloudformation:${this.options.region}:${LOCAL_ACCOUNT}:stack/kismo-local/local`,
      }),
    );
    this.owners.add(name);
    return this.identities.addUser(name, [{ name: 'KismoUser', document: policy }]);
  }

  /** The session of a function's role, with the grants the stack gives that service. */
  serviceSession(service: Pick<Service, 'name' | 'capabilities' | 'emits'>): Credentials {
    const policy = documentOf(serviceGrants(service, this.targets));
    return this.identities.addRoleSession(`kismo-${service.name}`, 'local', [
      { name: `kismo-${service.name}`, document: policy },
    ]);
  }

  /** Whether an instance profile of this name exists: one per owner added. */
  hasInstanceProfile(name: string): boolean {
    return [...this.owners].some((owner) => instanceRoleName(owner) === name);
  }

  /** The credentials an instance gets from its profile (a session of its owner's role), once per instance. */
  instanceSession(instanceId: string, profile: string): Credentials {
    const known = this.instanceSessions.get(instanceId);
    if (known) return known;
    const owner = [...this.owners].find((o) => instanceRoleName(o) === profile);
    if (!owner) throw new Error(`no instance profile ${profile} in the local cloud`);
    const policy = documentOf(ownerInstanceGrants(owner, this.targets.bucketArn));
    const credentials = this.identities.addRoleSession(profile, instanceId, [
      { name: profile, document: policy },
    ]);
    this.instanceSessions.set(instanceId, credentials);
    return credentials;
  }

  principalOf(credentials: Credentials): Principal {
    return this.identities.principalOf(credentials);
  }

  /** Every check must pass; the first one that does not is the decision. */
  async authorize(
    principal: Principal,
    checks: readonly Omit<AccessRequest, 'principal'>[],
  ): Promise<Decision> {
    for (const check of checks) {
      const decision = await this.evaluator.decide({ principal, ...check });
      if (!decision.allowed) return decision;
    }
    return { allowed: true };
  }
}
