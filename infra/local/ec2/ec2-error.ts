/** The EC2 error codes the simulation raises, spelled as the EC2 API spells them. */
export type Ec2ErrorCode =
  | 'IncorrectInstanceState'
  | 'InvalidInstanceID.NotFound'
  | 'IdempotentParameterMismatch'
  | 'InvalidSubnetID.NotFound'
  | 'InvalidParameterValue';

/**
 * An EC2 API error: `name` carries EC2's error code, as the AWS SDK's `ServiceException` does,
 * so code that handles the real error by name handles the simulated one too.
 */
export class Ec2Error extends Error {
  constructor(
    readonly code: Ec2ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}
