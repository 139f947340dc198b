/** The placeholder lines of `bootstrap.sh` the renderer replaces; comment stripping keeps them. */
export const PLACEHOLDERS = {
  values: '# @kismo:values@',
  activityReporter: '# @kismo:activity-reporter@',
} as const;

/** The delimiter of the heredoc that writes the activity reporter on the instance. */
export const REPORTER_HEREDOC = 'KISMO_ACTIVITY_REPORTER';
