//! The catalogue of diagnostic codes. Codes are stable and never reused: a
//! retired code stays here, marked retired, so that `medc explain` still
//! knows it.
//!
//! `MEDC-00xx` syntax, `MEDC-01xx` names and references, `MEDC-02xx` types and
//! AWS limits, `MEDC-03xx` waivers, `MEDC-1xxx` compliance rules.

use super::Severity;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Syntax,
    Names,
    Types,
    Waivers,
    Compliance,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Code {
    pub code: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// HIPAA (45 CFR) or LGPD provisions the rule enforces; empty for
    /// language errors.
    pub citations: &'static [&'static str],
    /// Whether `waive CODE "reason"` may let a finding through.
    pub waivable: bool,
    /// What the rule governs, in a few words (compliance rules only).
    pub governs: &'static str,
    /// The findings of external checkers this rule answers for: a waiver of
    /// the rule suppresses them, with its reason, on the resources it concerns.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub external: &'static [ExternalCheck],
    #[serde(skip)]
    pub explanation: &'static str,
}

/// The external checkers that run on CloudFormation templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checker {
    /// checkov; suppressed through `Metadata.checkov.skip`.
    Checkov,
    /// AWS CloudFormation Guard with the AWS Guard Rules Registry's HIPAA
    /// Security rule set; suppressed through `Metadata.guard.SuppressedRules`.
    CfnGuard,
    /// cdk-nag's `HIPAA.Security` pack; suppressed through
    /// `Metadata.cdk_nag.rules_to_suppress`.
    CdkNag,
}

/// Checks of one external checker on one resource type.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct ExternalCheck {
    pub checker: Checker,
    pub resource: &'static str,
    pub ids: &'static [&'static str],
}

/// `checkov("AWS::KMS::Key", ["CKV_AWS_7"])`: the table rows of a rule's
/// `external` list.
macro_rules! external {
    ($($checker:ident($resource:literal, [$($id:literal),+ $(,)?])),* $(,)?) => {
        &[$(ExternalCheck { checker: external!(@$checker), resource: $resource, ids: &[$($id),+] }),*]
    };
    (@checkov) => { Checker::Checkov };
    (@guard) => { Checker::CfnGuard };
    (@cdk_nag) => { Checker::CdkNag };
}

macro_rules! language_code {
    ($name:ident, $code:literal, $category:ident, $severity:ident, $title:literal, $explanation:literal) => {
        pub static $name: Code = Code {
            code: $code,
            title: $title,
            category: Category::$category,
            severity: Severity::$severity,
            citations: &[],
            waivable: false,
            governs: "",
            external: &[],
            explanation: $explanation,
        };
    };
}

macro_rules! rule {
    ($name:ident, $code:literal, $severity:ident, waivable: $waivable:literal, $title:literal,
     cites: [$($cite:literal),+], governs: $governs:literal,
     $(external: [$($external:tt)*],)? $explanation:literal) => {
        pub static $name: Code = Code {
            code: $code,
            title: $title,
            category: Category::Compliance,
            severity: Severity::$severity,
            citations: &[$($cite),+],
            waivable: $waivable,
            governs: $governs,
            external: external!($($($external)*)?),
            explanation: $explanation,
        };
    };
}

// ------------------------------------------------------------------ syntax

language_code!(
    SYNTAX,
    "MEDC-0001",
    Syntax,
    Error,
    "syntax error",
    "The parser met a token it did not expect at this point of the program.

A program is one pipeline, `pipeline NAME < ... >`. Inside a block come settings
(`backup 7d`), flags (`multi_az`), components (`database aurora < ... >`), routes
(`route POST \"/studies\" -> processor`) and waivers (`waive MEDC-1001 \"reason\"`).
The diagnostic shows what was expected instead; docs/language.md is the reference."
);

language_code!(
    UNCLOSED_BLOCK,
    "MEDC-0002",
    Syntax,
    Error,
    "unclosed block",
    "A block opened with `<` was never closed with `>`.

The secondary label points at the `<` that is still open. Add the missing `>`
where the block should end; an editor's bracket matching helps find the spot."
);

language_code!(
    STRAY_CLOSE,
    "MEDC-0003",
    Syntax,
    Error,
    "`>` without a matching `<`",
    "A `>` closes a block that was never opened, or was already closed.

Remove the extra `>`, or add the `<` it was meant to close. A route's arrow is
written `->`, with no space between `-` and `>`."
);

language_code!(
    UNTERMINATED_STRING,
    "MEDC-0004",
    Syntax,
    Error,
    "unterminated string",
    "A string started with `\"` has no closing `\"` on the same line.

Strings hold one line of text; close the string before the end of the line.
A `\"` inside a string is written `\\\"`."
);

language_code!(
    BAD_ESCAPE,
    "MEDC-0005",
    Syntax,
    Error,
    "invalid escape in a string",
    "Inside a string a backslash starts an escape. The escapes are `\\\"`, `\\\\`,
`\\n`, `\\t` and `\\u{XXXX}` (one to six hexadecimal digits naming a Unicode
scalar value). Any other character after `\\` is an error; write `\\\\` for a
literal backslash."
);

language_code!(
    BAD_UNIT,
    "MEDC-0006",
    Syntax,
    Error,
    "unknown unit",
    "A number is followed by a unit medc does not know.

Durations take `s`, `m`, `h` or `d` (`30m`, `24h`, `7d`). Sizes take `KiB`, `MiB`,
`GiB` or `TiB` (`512MiB`, `2GiB`); units are binary and case-sensitive.
Percentages end in `%` (`70%`)."
);

language_code!(
    BAD_NUMBER,
    "MEDC-0007",
    Syntax,
    Error,
    "malformed number",
    "A token that starts with a digit is not a well-formed literal.

Literals that start with a digit are integers (`2`), decimals (`0.5`), versions
(`16.4`, `16.4.1`), durations (`7d`), sizes (`2GiB`), percentages (`70%`) and ranges
(`0.5..4`, `2..6`). Digits may not be separated by `_`, and a range has exactly
two bounds."
);

language_code!(
    REVERSED_RANGE,
    "MEDC-0008",
    Syntax,
    Error,
    "range bounds reversed",
    "A range is written `LOW..HIGH`, the lower bound first. `6..2` is an error;
write `2..6`. Both bounds may be equal (`2..2`) for a fixed value."
);

language_code!(
    TOO_DEEP,
    "MEDC-0009",
    Syntax,
    Error,
    "blocks nested too deeply",
    "Blocks may nest at most 64 levels deep. A real pipeline needs four or five;
deeper nesting is almost always a generated or corrupted file. The limit keeps
medc's memory and stack bounded on any input."
);

language_code!(
    NOT_TEXT,
    "MEDC-0010",
    Syntax,
    Error,
    "input is not UTF-8 text",
    "The file contains bytes that are not valid UTF-8, or NUL bytes: it is probably
binary, or saved in a legacy encoding (Latin-1, UTF-16). Save it as UTF-8."
);

language_code!(
    EMPTY_PROGRAM,
    "MEDC-0011",
    Syntax,
    Error,
    "empty program",
    "The file holds no pipeline: it is empty or has only comments and blank space.
The smallest program is `pipeline NAME < >`; everything left out takes the
secure default from the standard library (`medc stdlib`)."
);

language_code!(
    MISSING_PIPELINE,
    "MEDC-0012",
    Syntax,
    Error,
    "program does not start with `pipeline`",
    "Every program is one pipeline: `pipeline NAME < ... >`, with its components
inside the block. Wrap the program in a pipeline block."
);

language_code!(
    TRAILING_INPUT,
    "MEDC-0013",
    Syntax,
    Error,
    "text after the pipeline",
    "A file holds exactly one pipeline, and nothing but comments may follow its
closing `>`. Move the text inside the pipeline's block, or into another file."
);

language_code!(
    NON_ASCII_NAME,
    "MEDC-0014",
    Syntax,
    Error,
    "character not allowed in a name",
    "Names (settings, components, references) use ASCII letters, digits, `_` and `-`,
because they become parts of AWS resource names, which allow nothing else.
Text in any script is welcome inside strings: `owner \"Radiologia São Paulo\"`."
);

language_code!(
    TOO_LARGE,
    "MEDC-0015",
    Syntax,
    Error,
    "input too large",
    "medc reads programs of at most 16 MiB. A pipeline is usually under a hundred
lines; a larger input is almost certainly not a medc program."
);

language_code!(
    INCOMPLETE_ROUTE,
    "MEDC-0016",
    Syntax,
    Error,
    "incomplete route",
    "A route is `route METHOD \"PATH\" -> SERVICE`: an HTTP method in capitals, the
path as a string, an arrow and the service that answers, as in
`route POST \"/studies\" -> processor`."
);

language_code!(
    INCOMPLETE_WAIVER,
    "MEDC-0017",
    Syntax,
    Error,
    "incomplete waiver",
    "A waiver is `waive CODE \"reason\"`: the rule's code and, as a string, why the
rule does not apply here. The reason travels into the template's metadata for
auditors, so it is never optional."
);

language_code!(
    INCOMPLETE_PARAM,
    "MEDC-0018",
    Syntax,
    Error,
    "`param` without a name",
    "`param NAME` stands for a CloudFormation parameter supplied at deploy time,
such as `image param ProcessorImage`. The name is letters and digits."
);

language_code!(
    BIDI_CONTROL,
    "MEDC-0019",
    Syntax,
    Error,
    "bidirectional control character",
    "The program contains a Unicode bidirectional control character (U+202A to
U+202E, U+2066 to U+2069). These characters reorder how text is displayed, so
that a comment, a string or a waiver's reason can show a reviewer something
other than what medc reads (the \"Trojan Source\" attack, CVE-2021-42574).
They are refused everywhere in a program, as rustc refuses them. Write the
text in logical order; for right-to-left words, no control character is
needed."
);

// ------------------------------------------------------------------ names

language_code!(
    UNKNOWN_NAME,
    "MEDC-0101",
    Names,
    Error,
    "unknown setting or component",
    "The word is neither a setting of the enclosing block nor, at the pipeline
level, a component kind. The help suggests the closest known name. `medc stdlib`
lists every kind and setting with its type and default."
);

language_code!(
    UNKNOWN_ENGINE,
    "MEDC-0102",
    Names,
    Error,
    "unknown engine",
    "A component names its kind and then its engine: `database aurora`,
`storage efs`, `bucket s3`, `cache redis`, `stream kinesis`, `service fargate`.
The engine written here is not one the kind offers."
);

language_code!(
    UNKNOWN_REFERENCE,
    "MEDC-0103",
    Names,
    Error,
    "reference to an unknown component",
    "The setting refers to a component by name, and no component of the pipeline
has that name. A component's name is the one written after its engine
(`storage efs scratch`), or the engine itself when none is written
(`database aurora` is named `aurora`)."
);

language_code!(
    WRONG_KIND,
    "MEDC-0104",
    Names,
    Error,
    "reference to the wrong kind of component",
    "The setting refers to an existing component, but of a kind it cannot use:
`mount` takes storage, `credentials` and `auth` take a secret, `writes` takes a
stream or a bucket, `reads` a bucket or stream, `connects` a database or a cache,
and a route's target is a service."
);

language_code!(
    DUPLICATE_NAME,
    "MEDC-0105",
    Names,
    Error,
    "two components with the same name",
    "Component names identify resources in the template and in references, so each
must be unique in the pipeline. Rename one; unnamed components are named after
their engine, so two `database aurora` blocks need names."
);

language_code!(
    DUPLICATE_SETTING,
    "MEDC-0106",
    Names,
    Error,
    "setting given twice",
    "A setting may appear once per block (only repeatable ones such as `mount` and
`route` may appear several times). Keep one of the two."
);

language_code!(
    UNUSED,
    "MEDC-0107",
    Names,
    Warning,
    "unused secret or component",
    "Nothing in the pipeline refers to this secret or component. A secret is used
by `credentials` or `auth`; a data component by a service's `connects`,
`reads`, `writes` or `mount`. Remove it, or connect it to what needs it."
);

language_code!(
    STRAY_VALUE,
    "MEDC-0108",
    Names,
    Error,
    "value without a setting",
    "A value stands where a setting name was expected, so medc cannot tell what it
configures. Write the setting's name before it (`backup 7d`), or remove it."
);

language_code!(
    MISSING_VALUE,
    "MEDC-0109",
    Names,
    Error,
    "setting without its value",
    "The setting takes a value and none follows it. `medc stdlib` shows the type
each setting takes; the help shows an example."
);

language_code!(
    MISSING_BLOCK,
    "MEDC-0110",
    Names,
    Error,
    "component without a block",
    "A component is written `KIND [ENGINE] [NAME] < settings >`; the block is
required, even when empty (`network < >`), so that where a component ends is
never a guess."
);

language_code!(
    MISPLACED,
    "MEDC-0111",
    Names,
    Error,
    "not allowed here",
    "This form is not allowed in the enclosing block: routes belong in an `api`
block, components at the pipeline level, and waivers at the pipeline or
component level."
);

language_code!(
    MISSING_SETTING,
    "MEDC-0112",
    Names,
    Error,
    "required setting missing",
    "The component needs a setting that has no default, because no value would be
safe to guess (the name of an existing secret, the API's domain). Add it."
);

language_code!(
    INVALID_NAME,
    "MEDC-0113",
    Names,
    Error,
    "invalid pipeline or component name",
    "The pipeline's and the components' names become parts of AWS resource names
(`medimg-queue-dev`), and several services accept only lowercase letters,
digits and hyphens there. Names start with a lowercase letter and use
lowercase letters, digits, `_` (written as `-` in resource names) and `-`."
);

language_code!(
    NAME_COLLISION,
    "MEDC-0130",
    Names,
    Error,
    "names that collide in the template",
    "Two components whose names differ only in `-`, `_` or letter case (`db-main`
and `db_main`) would get the same CloudFormation logical ids, resource names
and environment variables, and one would replace the other. A component's
name also may not make one of its logical ids equal to another component's
or to one of medc's own (a database named `ecs` would be `EcsCluster`, the
ECS cluster's id). Rename one of the components. The template never keeps
one resource in place of another: a logical id added twice is this error,
and never an overwrite."
);

// ------------------------------------------------------------------ types and limits

language_code!(
    TYPE_MISMATCH,
    "MEDC-0201",
    Types,
    Error,
    "value of the wrong type",
    "The value is not of the type the setting takes. `medc stdlib` lists each
setting's type: switch (`on`/`off`), integer, decimal, duration (`7d`), size
(`2GiB`), percentage (`70%`), range (`2..6`), version (`16.4`), string, a choice
among named values, or a reference to a component."
);

language_code!(
    OUT_OF_RANGE,
    "MEDC-0202",
    Types,
    Error,
    "value outside its allowed range",
    "The value is of the right type but outside the bounds the setting allows.
The bounds come from the AWS service's own limits, stated in the standard
library beside the setting."
);

language_code!(
    NOT_ALLOWED_VALUE,
    "MEDC-0203",
    Types,
    Error,
    "value not among the allowed ones",
    "The setting takes one of a fixed set of values, listed in the help."
);

language_code!(
    FARGATE_SIZE,
    "MEDC-0210",
    Types,
    Error,
    "unsupported Fargate cpu and memory combination",
    "Fargate accepts only certain memory sizes for each cpu size:
256 (.25 vCPU): 512, 1024 or 2048 MiB; 512: 1 to 4 GiB in 1 GiB steps;
1024: 2 to 8 GiB; 2048: 4 to 16 GiB; 4096: 8 to 30 GiB, all in 1 GiB steps;
8192: 16 to 60 GiB in 4 GiB steps; 16384: 32 to 120 GiB in 8 GiB steps.
Other combinations fail when the task definition is registered."
);

language_code!(
    AURORA_VERSION,
    "MEDC-0211",
    Types,
    Error,
    "Aurora PostgreSQL version that cannot be created",
    "AWS retires Aurora PostgreSQL minor versions; a cluster of a retired version
can no longer be created, and the stack fails long after `medc build` says yes
(15.4 is such a version). The standard library lists the versions that can be
created; pick one of them."
);

language_code!(
    AURORA_CAPACITY,
    "MEDC-0212",
    Types,
    Error,
    "invalid Aurora Serverless v2 capacity",
    "Aurora Serverless v2 capacity is set in Aurora capacity units (ACUs) from 0.5
to 256, in steps of 0.5, and the minimum may not exceed the maximum."
);

language_code!(
    KINESIS_RETENTION,
    "MEDC-0213",
    Types,
    Error,
    "Kinesis retention out of bounds",
    "A Kinesis data stream keeps records from 24 hours to 8760 hours (365 days)."
);

language_code!(
    KINESIS_SHARDS,
    "MEDC-0214",
    Types,
    Error,
    "Kinesis shard count out of bounds",
    "A provisioned Kinesis stream has at least 1 shard; medc caps a stream at 1,000
shards, sa-east-1's lowest default per-account shard quota. Use `mode on_demand`
for traffic that cannot be sized in advance."
);

language_code!(
    REDIS_SNAPSHOTS,
    "MEDC-0215",
    Types,
    Error,
    "Redis snapshot retention out of bounds",
    "ElastiCache keeps automatic snapshots for at most 35 days."
);

language_code!(
    LOG_RETENTION,
    "MEDC-0216",
    Types,
    Error,
    "log retention CloudWatch does not offer",
    "CloudWatch Logs accepts only these retention periods, in days: 1, 3, 5, 7, 14,
30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
3288 and 3653."
);

language_code!(
    BUCKET_NAME,
    "MEDC-0217",
    Types,
    Error,
    "invalid S3 bucket name",
    "S3 bucket names are 3 to 63 characters of lowercase letters, digits, `-` and
`.`, starting and ending with a letter or digit. medc names a bucket
`PIPELINE-COMPONENT-SUFFIX`, so the name must fit with the longest environment
suffix the `EnvironmentSuffix` parameter allows."
);

language_code!(
    NAME_TOO_LONG,
    "MEDC-0218",
    Types,
    Error,
    "resource name too long",
    "medc names resources `PIPELINE-COMPONENT-SUFFIX`, and each AWS service limits
the length of a name (an ElastiCache replication group 40 characters, an
Aurora cluster 63, an ECS service 255...). The name must fit with the longest
environment suffix the `EnvironmentSuffix` parameter allows. Shorten the
pipeline's or the component's name."
);

language_code!(
    AURORA_BACKUP_LIMIT,
    "MEDC-0219",
    Types,
    Error,
    "Aurora backup retention out of bounds",
    "Aurora keeps automated backups from 1 to 35 days. Longer retention is AWS
Backup's job: the pipeline's `backup` plan keeps recovery points as long as
you ask."
);

language_code!(
    TAG_VALUE,
    "MEDC-0220",
    Types,
    Error,
    "invalid tag",
    "Every resource carries the pipeline's tags, and AWS limits them: keys are 1 to
128 characters, values at most 256, both made of letters, digits, spaces and
`_ . : / = + - @` (letters of any script are fine). Quotes, tabs and other
punctuation are refused when the stack is created."
);

// ------------------------------------------------------------------ CloudFormation's quotas

language_code!(
    STACK_RESOURCES,
    "MEDC-0230",
    Types,
    Error,
    "more resources than one stack may hold",
    "A CloudFormation stack holds at most 500 resources; CloudFormation refuses a
larger template when the stack is created. Every component becomes several
resources (a Fargate service about a dozen: the service, its task definition,
roles, security group, log group, scaling), so a pipeline with many
components passes the quota.

Split the pipeline: one pipeline per site, per environment or per tier, each
its own stack (`medc build` compiles a directory of them in one run). Stacks
share what they must through their outputs, which medc exports."
);

language_code!(
    TEMPLATE_BODY,
    "MEDC-0231",
    Types,
    Error,
    "template larger than CloudFormation accepts",
    "CloudFormation reads a template body of at most 1 MB (1,000,000 bytes), and
that only from S3; larger templates are refused. medc counts the template
without indentation, the smallest form it can be deployed in (`medc build
--compact`).

Split the pipeline into several pipelines, each its own stack, or write fewer
pipeline-wide tags: they are repeated on every resource."
);

language_code!(
    TEMPLATE_INLINE,
    "MEDC-0232",
    Types,
    Warning,
    "template too large to deploy inline",
    "A template passed inline (`aws cloudformation deploy --template-file` without
`--s3-bucket`, or `create-stack --template-body`) is at most 51,200 bytes.
Larger ones, up to 1 MB, must be uploaded to S3 first: `aws cloudformation
deploy --s3-bucket BUCKET ...` does it, and so does `aws cloudformation
package`. medc counts the template without indentation (`--compact`)."
);

language_code!(
    STACK_PARAMETERS,
    "MEDC-0233",
    Types,
    Error,
    "more parameters than a template may declare",
    "A template declares at most 200 parameters. Every distinct `param NAME` is
one, and medc adds its own (the environment suffix). Use one parameter for
values that are the same (one `param Image` for services that run one
image), or split the pipeline."
);

language_code!(
    STACK_OUTPUTS,
    "MEDC-0234",
    Types,
    Error,
    "more outputs than a template may declare",
    "A template declares at most 200 outputs, and medc exports the identifiers of
what other stacks may need (buckets, streams, the API's endpoint). Split the
pipeline so that each stack exports fewer."
);

language_code!(
    LOGICAL_ID,
    "MEDC-0235",
    Types,
    Error,
    "logical id CloudFormation refuses",
    "A resource's logical id is at most 255 characters, letters and digits only.
medc derives logical ids from component names; give the component a shorter
name."
);

language_code!(
    RESOURCE_TAGS,
    "MEDC-0236",
    Types,
    Error,
    "more tags than a resource may carry",
    "An AWS resource carries at most 50 tags. medc puts six of its own on every
taggable resource (project, environment, compliance, data-classification,
owner, managed-by) and then the pipeline's `tags`, so a pipeline may write at
most 44."
);

language_code!(
    IAM_ACTION,
    "MEDC-0250",
    Types,
    Error,
    "not an IAM action",
    "A `grant` names IAM actions as `service:Action`, and each must be an action AWS
defines. medc checks every action against the IAM action catalogue (the AWS
Service Authorization Reference, as shipped in cfn-lint's `Policies.json`;
`data/iam-actions.txt` is the copy medc embeds). A misspelt action grants
nothing, and the service fails at run time rather than at `medc build`."
);

language_code!(
    SECRET_NAME,
    "MEDC-0251",
    Types,
    Error,
    "invalid Secrets Manager secret name",
    "A secret's `existing` is the name of an existing Secrets Manager entry: 1 to
512 ASCII letters, digits and `/ _ + = . @ -`, as Secrets Manager documents.
medc derives the secret's ARN (for `GetSecretValue` permissions) from the
name, so a name with a wildcard (`*`, `?`) would grant every matching secret,
and a name ending in `-` and six characters would be confused with the random
suffix Secrets Manager appends to every ARN."
);

language_code!(
    KEY_ARN,
    "MEDC-0252",
    Types,
    Error,
    "invalid KMS key ARN",
    "A secret's `key` is the ARN of the customer-managed KMS key the secret is
encrypted with: `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`, where the key id is
a UUID or a multi-region `mrk-` id. Services that read the secret get
`kms:Decrypt` on exactly that key, so an alias, a bare id or a wildcard is
refused."
);

language_code!(
    VPC_CIDR,
    "MEDC-0253",
    Types,
    Error,
    "unusable VPC address range",
    "The network's `cidr` is an IPv4 block in CIDR notation from the private ranges
(10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), with no host bits set. medc
carves twelve /20 subnets from it (private, isolated and public tiers across
up to three zones), so the block must be a /16, the largest VPC AWS allows."
);

language_code!(
    HEALTH_PATH,
    "MEDC-0254",
    Types,
    Error,
    "invalid health check path",
    "A service's `health` is the HTTPS path its load balancer and its container
health check probe: `/` followed by letters, digits and `- . _ ~ /`, at most
1024 characters, with no `..` or `//`. The container's health check runs
`curl` with the path as an argument, never through a shell, so the path is an
URL path and nothing else."
);

language_code!(
    MOUNT_PATH,
    "MEDC-0255",
    Types,
    Error,
    "invalid mount path",
    "A `mount` places a file system at an absolute path in the container: `/`
followed by segments of letters, digits, `-`, `_` and `.`, with no `.` or `..`
segment. A path may not be `/tmp` (medc's own scratch volume) or under it,
and two mounts of one service may not share a path or nest. Mounting over the
image's system directories is MEDC-1019."
);

language_code!(
    ENV_NAME,
    "MEDC-0256",
    Types,
    Error,
    "environment variable name medc owns or AWS refuses",
    "A service's `env` names are letters, digits and `_`, not starting with a
digit. Names that medc sets itself (`AWS_REGION`, and the `COMPONENT_HOST`,
`COMPONENT_PORT`... of every component in the pipeline) and the `AWS_` and
`ECS_` prefixes, which AWS reserves, are refused: redefining them would point
the service at another endpoint than the one its permissions and security
groups were built for."
);

language_code!(
    FILE_MODE,
    "MEDC-0257",
    Types,
    Error,
    "invalid file mode",
    "An access point's `permissions` is the octal mode of its root directory, as
EFS takes it: three or four octal digits, such as `\"0750\"`. A mode that
lets other users in, that lets the group write, or that sets the setuid,
setgid or sticky bits is MEDC-1016."
);

language_code!(
    BACKUP_SCHEDULE,
    "MEDC-0258",
    Types,
    Error,
    "backup schedule AWS Backup refuses or that never runs",
    "A backup `schedule` is an AWS Backup cron expression, `cron(MINUTES HOURS
DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)`, with `?` in exactly one of the two day
fields and one minute of the hour. The year must be `*`: a plan that runs in
one year only stops taking backups after it. A schedule that can never run
(the 30th of February) is refused. A schedule that runs less often than daily
is MEDC-1011."
);

language_code!(
    EMAIL_ADDRESS,
    "MEDC-0259",
    Types,
    Error,
    "not an e-mail address",
    "The alarms' `notify` is the e-mail address SNS subscribes to the alarm
topic: `name@domain.tld`, ASCII, without spaces, at most 254 characters.
SNS refuses anything else when the stack is created, and until then no one
hears of an alarm. Give `param AlarmEmail` to supply it at deploy time."
);

language_code!(
    PARAM_NOT_TAKEN,
    "MEDC-0260",
    Types,
    Error,
    "setting does not take a parameter",
    "`param NAME` becomes a CloudFormation parameter, supplied at deploy time. Only
the settings whose value medc can pass through to the template as a
parameter take one (the image and command, the domain, the certificate, the
truststore, a secret's key and the alarm address; `medc stdlib` marks them
`parameter`). Every other
setting needs its value at compile time, because medc checks it or derives
names, ARNs and permissions from it."
);

language_code!(
    ZONES_REQUIRED,
    "MEDC-0261",
    Types,
    Error,
    "a component needs more than the network offers",
    "Some AWS resources cannot be created in fewer than two availability zones:
an Aurora cluster's subnet group must cover two zones, and a Multi-AZ Redis
replication group needs a replica to fail over to. These are AWS's own
invariants, not compliance choices, so no waiver lets them through: give the
network `azs 2` or more, and a Multi-AZ cache `replicas 1` or more."
);

language_code!(
    ALARM_NEVER_FIRES,
    "MEDC-0262",
    Types,
    Error,
    "alarm threshold that can never be reached",
    "An alarm whose threshold the metric can never reach is no alarm: a stream's
iterator age cannot exceed how long the stream keeps records, so
`iterator_age` must be below every stream's `retention`. CPU and memory
thresholds stop at 99%, since utilization never exceeds 100%."
);

// ------------------------------------------------------------------ waivers

language_code!(
    WAIVER_REASON,
    "MEDC-0301",
    Waivers,
    Error,
    "waiver reason that explains nothing",
    "A waiver lets a non-compliant choice through, and its reason is what an
auditor reads in the template's metadata. The reason must be a sentence in
words: at least 20 characters and four words of letters, with no control
characters, invisible format characters (zero-width spaces, joiners) or
bidirectional controls. Say why the rule does not apply here."
);

language_code!(
    UNUSED_WAIVER,
    "MEDC-0302",
    Waivers,
    Warning,
    "waiver matches no finding",
    "Nothing in the waiver's scope breaks the rule it waives, so the waiver has no
effect. Remove it, so that the waivers in a program stay a true list of its
exceptions; or move it to the component where the finding is."
);

language_code!(
    NOT_WAIVABLE,
    "MEDC-0303",
    Waivers,
    Error,
    "rule cannot be waived",
    "Some rules have no safe exception, such as a literal password in the source.
`medc rules` marks which rules can be waived."
);

language_code!(
    UNKNOWN_RULE,
    "MEDC-0304",
    Waivers,
    Error,
    "waiver names an unknown rule",
    "A waiver names a compliance rule by code (`MEDC-1xxx`). `medc rules` lists them.
Language errors (`MEDC-0xxx`) cannot be waived."
);

// ------------------------------------------------------------------ compliance

rule!(ENCRYPTION_AT_REST, "MEDC-1001", Error, waivable: true,
"encryption at rest with the pipeline's customer-managed key",
cites: ["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
governs: "database, file system, cache, stream, bucket, log groups, topic, backup vault",
external: [
    checkov("AWS::RDS::DBCluster", ["CKV_AWS_96"]),
    guard("AWS::RDS::DBCluster", ["RDS_STORAGE_ENCRYPTED"]),
    cdk_nag("AWS::RDS::DBCluster", ["HIPAA.Security-RDSStorageEncrypted"]),
    checkov("AWS::EFS::FileSystem", ["CKV_AWS_42"]),
    guard("AWS::EFS::FileSystem", ["EFS_ENCRYPTED_CHECK"]),
    cdk_nag("AWS::EFS::FileSystem", ["HIPAA.Security-EFSEncrypted"]),
    checkov("AWS::ElastiCache::ReplicationGroup", ["CKV_AWS_29"]),
    checkov("AWS::Kinesis::Stream", ["CKV_AWS_43"]),
    checkov("AWS::S3::Bucket", ["CKV_AWS_19"]),
    guard("AWS::S3::Bucket", ["S3_DEFAULT_ENCRYPTION_KMS", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"]),
    cdk_nag("AWS::S3::Bucket", ["HIPAA.Security-S3DefaultEncryptionKMS"]),
    checkov("AWS::Logs::LogGroup", ["CKV_AWS_158"]),
    guard("AWS::Logs::LogGroup", ["CLOUDWATCH_LOG_GROUP_ENCRYPTED"]),
    cdk_nag("AWS::Logs::LogGroup", ["HIPAA.Security-CloudWatchLogGroupEncrypted"]),
    checkov("AWS::SNS::Topic", ["CKV_AWS_26"]),
    guard("AWS::SNS::Topic", ["SNS_ENCRYPTED_KMS"]),
    cdk_nag("AWS::SNS::Topic", ["HIPAA.Security-SNSEncryptedKMS"]),
    checkov("AWS::Backup::BackupVault", ["CKV_AWS_166"]),
],
"Every place that stores data — Aurora, EFS, ElastiCache, Kinesis, S3, CloudWatch
log groups, the SNS topic and the backup vault — is encrypted with the
pipeline's customer-managed KMS key. A customer-managed key (unlike an
AWS-owned one) has a key policy you control and an audit trail of every use in
CloudTrail, which is how an auditor verifies that only the pipeline read PHI.

The standard library turns encryption on everywhere; `encrypted off` on any
store is this error.");

rule!(KEY_ROTATION, "MEDC-1002", Error, waivable: true,
"automatic key rotation",
cites: ["45 CFR 164.312(a)(2)(iv)"],
governs: "key",
external: [checkov("AWS::KMS::Key", ["CKV_AWS_7"])],
"Customer-managed KMS keys rotate their key material every year, so that a
leaked key version exposes a bounded amount of data. `rotation off` is this
error.");

rule!(TRANSIT_ENCRYPTION, "MEDC-1003", Error, waivable: true,
"encryption in transit everywhere",
cites: ["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
governs: "database TLS, cache TLS, file system TLS, bucket TLS, API TLS policy",
external: [
    checkov("AWS::ElastiCache::ReplicationGroup", ["CKV_AWS_30", "CKV_AWS_31"]),
    checkov("AWS::ECS::TaskDefinition", ["CKV_AWS_97"]),
],
"PHI never crosses a network in clear text. Aurora forces TLS (`rds.force_ssl`),
ElastiCache requires transit encryption, the EFS file-system policy denies
non-TLS mounts, the S3 bucket policy denies requests without TLS, and the API
accepts TLS 1.2 or later only. `tls off` on any component, or an API
`tls_policy` older than `1.2`, is this error.");

rule!(MUTUAL_TLS, "MEDC-1004", Error, waivable: true,
"mutual TLS on the API, default endpoint disabled",
cites: ["45 CFR 164.312(d)"],
governs: "api",
"The API authenticates every client by certificate: its custom domain has a
mutual-TLS truststore, and the default `execute-api` endpoint, which would let
clients bypass mutual TLS, is disabled. An api without an `mtls` block, with
`mtls off`, or with `default_endpoint on` is this error.");

rule!(ROUTE_AUTHORIZATION, "MEDC-1005", Error, waivable: true,
"every API route requires authorization",
cites: ["45 CFR 164.312(d)", "45 CFR 164.312(a)(1)"],
governs: "api routes",
external: [checkov("AWS::ApiGateway::Method", ["CKV_AWS_59"])],
"Mutual TLS proves which client connects; authorization decides what it may
do. Every method of the API requires AWS IAM (SigV4) authorization, so a
client needs both a trusted certificate and credentials allowed to invoke the
route. `authorization none` on the api or on a route is this error.");

rule!(LITERAL_SECRET, "MEDC-1006", Error, waivable: false,
"credentials only from existing Secrets Manager entries",
cites: ["45 CFR 164.312(a)(1)", "45 CFR 164.312(d)"],
governs: "secrets, database credentials, cache auth token",
"Passwords and tokens never appear in the source or in the template, where
anyone with read access to the repository or the stack would see them.
Credentials come from an existing Secrets Manager entry
(`secret db_admin < existing \"medimg/aurora-admin\" >`), referenced by the
template through dynamic references resolved at deploy time. A literal
`password`, `token` or secret `value` is this error, and it cannot be waived.");

rule!(MULTI_AZ, "MEDC-1007", Error, waivable: true,
"database and cache span availability zones",
cites: ["45 CFR 164.308(a)(7)(ii)(B)"],
governs: "database, cache",
"The contingency plan's disaster recovery needs the data tier to survive the
loss of an availability zone: Aurora runs a writer and a reader in different
zones, ElastiCache a primary and a replica with automatic failover.
`multi_az off` or `replicas 0` is this error.");

rule!(NETWORK_AZS, "MEDC-1008", Error, waivable: true,
"the network spans at least two availability zones",
cites: ["45 CFR 164.308(a)(7)(ii)(B)"],
governs: "network",
"Every tier is spread across at least two availability zones, which needs
subnets in at least two. `azs 1` is this error.");

rule!(SERVICE_TASKS, "MEDC-1009", Error, waivable: true,
"at least two service tasks",
cites: ["45 CFR 164.308(a)(7)(ii)(B)"],
governs: "service",
"A Fargate service runs at least two tasks, spread across availability zones,
so that processing continues when a task or a zone fails. `tasks 1` or a
scaling range starting at 1 is this error.");

rule!(BACKUP_RETENTION, "MEDC-1010", Error, waivable: true,
"backups kept long enough",
cites: ["45 CFR 164.308(a)(7)(ii)(A)"],
governs: "database backup, cache snapshots",
"The data backup plan keeps exact copies retrievable: Aurora keeps automated
backups at least 7 days, ElastiCache snapshots at least 15 days. A shorter
`backup` or `snapshots` is this error.");

rule!(BACKUP_PLAN, "MEDC-1011", Error, waivable: true,
"an AWS Backup plan covers database and file system",
cites: ["45 CFR 164.308(a)(7)(ii)(A)"],
governs: "backup, database, file system, bucket",
external: [
    guard("AWS::S3::Bucket", ["S3_BUCKET_REPLICATION_ENABLED"]),
    cdk_nag("AWS::S3::Bucket", ["HIPAA.Security-S3BucketReplicationEnabled"]),
    cdk_nag("AWS::RDS::DBCluster", ["HIPAA.Security-RDSInBackupPlan"]),
    cdk_nag("AWS::EFS::FileSystem", ["HIPAA.Security-EFSInBackupPlan"]),
],
"An AWS Backup plan, with its vault encrypted by the pipeline's key, takes
recovery points of the Aurora cluster, the EFS file system and every bucket
(the results and the access logs) that are independent of the services' own
retention. `backup < plan off >`, `backup off` on a bucket, or a backup
retention shorter than the minimum, is this error.

Buckets are backed up, not replicated. The checkers' replication rules
(cfn-guard S3_BUCKET_REPLICATION_ENABLED, cdk-nag S3BucketReplicationEnabled)
ask for a copy of every object elsewhere; cross-region replication would carry
PHI out of the jurisdiction's region (MEDC-1020), and same-region replication
only repeats S3's own storage across the region's zones. AWS Backup's recovery
points of every object version, in the pipeline's encrypted vault in the same
region, are the exact retrievable copies 45 CFR 164.308(a)(7)(ii)(A) asks for,
and the template suppresses the replication rules on each bucket with that
reason.");

rule!(DELETION_PROTECTION, "MEDC-1012", Error, waivable: true,
"deletion protection on stateful resources",
cites: ["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.312(c)(1)"],
governs: "database, load balancer, stateful resources",
external: [
    guard("AWS::ElasticLoadBalancingV2::LoadBalancer", ["ELB_DELETION_PROTECTION_ENABLED"]),
    cdk_nag("AWS::ElasticLoadBalancingV2::LoadBalancer", ["HIPAA.Security-ELBDeletionProtectionEnabled"]),
    cdk_nag("AWS::RDS::DBCluster", ["HIPAA.Security-RDSInstanceDeletionProtectionEnabled"]),
],
"Stateful resources are protected against deletion, so that a stack update or
a mistaken delete cannot destroy PHI. A pipeline declared
`lifecycle disposable` (a CI stack that must be created and deleted) relaxes
this rule, and medc records that as a waiver in the output; writing
`deletion_protection off` on a component is this error.");

rule!(AUDIT_LOGGING, "MEDC-1013", Error, waivable: true,
"audit logging on",
cites: ["45 CFR 164.312(b)"],
governs: "database log export, API logs, flow logs, container logs, bucket access logs, cache slow logs",
external: [
    cdk_nag("AWS::EC2::VPC", ["HIPAA.Security-VPCFlowLogsEnabled"]),
    checkov("AWS::S3::Bucket", ["CKV_AWS_18"]),
    guard("AWS::S3::Bucket", ["S3_BUCKET_LOGGING_ENABLED"]),
    cdk_nag("AWS::S3::Bucket", ["HIPAA.Security-S3BucketLoggingEnabled"]),
    checkov("AWS::ApiGateway::Stage", ["CKV_AWS_76"]),
    guard("AWS::ApiGateway::Stage", ["API_GW_EXECUTION_LOGGING_ENABLED"]),
    cdk_nag("AWS::ApiGateway::Stage", ["HIPAA.Security-APIGWExecutionLoggingEnabled"]),
    cdk_nag("AWS::RDS::DBCluster", ["HIPAA.Security-RDSLoggingEnabled"]),
],
"Audit controls record activity in every system that holds PHI: the database
exports its `postgresql` log, the API writes access and execution logs, the
VPC writes flow logs, containers log to CloudWatch, the bucket writes server
access logs and the cache delivers its slow log. Turning any of these off
(`flow_logs off`, `access_logs off`, `logging off`, `log_export off`, ...) is
this error.");

rule!(LOG_RETENTION_MIN, "MEDC-1014", Error, waivable: true,
"log retention set and long enough",
cites: ["45 CFR 164.312(b)", "45 CFR 164.316(b)(2)(i)"],
governs: "log groups",
"Every log group has a retention period of at least the standard library's
minimum (365 days), so audit records are there when an investigation needs
them, and are not kept forever either.");

rule!(NO_PHI_IN_LOGS, "MEDC-1015", Error, waivable: true,
"no PHI in logs",
cites: ["45 CFR 164.312(b)", "45 CFR 164.502(b)"],
governs: "api data tracing",
"API Gateway's data tracing writes whole request and response bodies — DICOM
images and their PHI — into CloudWatch Logs, outside the minimum-necessary
scope. medc logs requests (access and execution logs) without their bodies.
`data_trace on` is this error.");

rule!(LEAST_PRIVILEGE, "MEDC-1016", Error, waivable: true,
"least-privilege access",
cites: ["45 CFR 164.308(a)(4)(ii)(B)", "45 CFR 164.312(a)(1)"],
governs: "service grants, file system access point permissions",
external: [cdk_nag("AWS::IAM::ManagedPolicy", ["HIPAA.Security-IAMPolicyNoStatementsWithFullAccess"])],
"A service's IAM permissions are derived from what it declares it uses
(`connects`, `reads`, `writes`, `mount`), each scoped to that component's ARN.
A raw `grant` is allowed for what the language cannot express, but a wildcard
in its action or its resource is this error, in every spelling IAM knows:
`*` and `?` (`s3:*`, `s3:Get?bject`, `*`, `arn:aws:s3:::bucket/*`). A
resource must be an ARN. An EFS access point whose root directory lets other
users in, lets its group write, or sets setuid, setgid or sticky bits
(`permissions \"0777\"`) is this error too.");

rule!(NO_PUBLIC_EXPOSURE, "MEDC-1017", Error, waivable: true,
"nothing publicly reachable",
cites: ["45 CFR 164.308(a)(3)(i)", "45 CFR 164.312(e)(1)"],
governs: "database, cache, bucket, service, network",
external: [
    checkov("AWS::RDS::DBInstance", ["CKV_AWS_17"]),
    guard("AWS::RDS::DBInstance", ["RDS_INSTANCE_PUBLIC_ACCESS_CHECK"]),
    cdk_nag("AWS::RDS::DBInstance", ["HIPAA.Security-RDSInstancePublicAccess"]),
],
"No component that handles PHI is reachable from the internet: no public IPs
on tasks, no publicly accessible database or cache, no public bucket, and no
public subnets unless internet egress is declared. `public on` is this error.");

rule!(INTERNET_EGRESS, "MEDC-1018", Error, waivable: true,
"internet egress declared",
cites: ["45 CFR 164.312(e)(1)"],
governs: "network egress",
external: [
    guard("AWS::EC2::Route", ["NO_UNRESTRICTED_ROUTE_TO_IGW"]),
    cdk_nag("AWS::EC2::Route", ["HIPAA.Security-VPCNoUnrestrictedRouteToIGW"]),
],
"By default the network has no internet gateway at all: AWS services are
reached through VPC endpoints. `egress nat` adds public subnets, an internet
gateway and NAT gateways, which lets any process in the private subnets send
data to the internet, and routes 0.0.0.0/0 out of the VPC. It is this error:
waive it, with the reason egress is needed, for the exposure to be recorded
in the template.");

rule!(CONTAINER_HARDENING, "MEDC-1019", Error, waivable: true,
"containers run as non-root with a read-only root file system",
cites: ["45 CFR 164.312(a)(1)"],
governs: "service containers",
"A compromised process in a container running as root on a writable root file
system can change the image's binaries and escalate. Containers run as a
numeric non-root user with a read-only root file system; writable paths are
volumes, never mounted over the image's system directories (`/usr`, `/bin`,
`/etc`, ...). ECS Exec opens interactive shells into the running containers,
which hold PHI. `user 0`, `user root`, `read_only_root off`, `exec on` or a
mount over a system directory is this error.");

rule!(DATA_RESIDENCY, "MEDC-1020", Error, waivable: true,
"data stays in the jurisdiction's region",
cites: ["LGPD (Lei 13.709/2018) art. 33", "45 CFR 164.308(a)(1)(ii)(B)"],
governs: "pipeline region",
"Health data of Brazilian patients stays in Brazil: with `jurisdiction brazil`
(the default) the pipeline deploys to `sa-east-1` only, and the template
refuses to deploy to any other region. Another region is this error.

Nothing copies data out of the region either: buckets are backed up in the
region by AWS Backup, never replicated to another one (`medc explain MEDC-1011`).");

rule!(ALARM_NOTIFICATION, "MEDC-1021", Error, waivable: true,
"every alarm notifies someone",
cites: ["45 CFR 164.308(a)(6)(ii)"],
governs: "alarms",
"Security incident procedures need someone to hear about an incident: every
alarm sends to an encrypted SNS topic with a subscription. A pipeline with
services and no `alarms < notify ... >`, or with `alarms off`, is this error.");

rule!(DISPOSABLE_STACK, "MEDC-1022", Error, waivable: true,
"stack declared disposable",
cites: ["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.312(c)(1)"],
governs: "pipeline lifecycle",
"`lifecycle disposable` declares a stack that CI creates and deletes: stateful
resources get the `Delete` policy and no deletion protection. It turns off
protection for every stateful resource at once, so it takes a reasoned
waiver like any other rule: `waive MEDC-1022 \"reason\"` at the pipeline
level. The reason is recorded in the template's metadata as the waiver of
MEDC-1012; never declare a stack that holds real PHI disposable.");

rule!(WEB_FIREWALL, "MEDC-1030", Error, waivable: true,
"a web application firewall in front of the API",
cites: ["45 CFR 164.308(a)(1)(ii)(B)", "45 CFR 164.312(e)(1)"],
governs: "api",
"The API's stage is associated with a WAF web ACL (AWS managed rules and a rate
limit), which filters known exploit patterns before they reach the service
that holds PHI. `waf off` is this error.");

rule!(PRIVILEGE_ESCALATION, "MEDC-1031", Error, waivable: false,
"no permission that escalates privilege",
cites: ["45 CFR 164.308(a)(4)(ii)(B)", "45 CFR 164.312(a)(1)"],
governs: "service grants",
"Some IAM actions let whoever holds them give themselves any other permission:
passing a role to a new service (`iam:PassRole`), writing or attaching
policies (`iam:PutRolePolicy`, `iam:AttachRolePolicy`,
`iam:CreatePolicyVersion`...), assuming roles (`sts:AssumeRole`), creating
credentials or running code under another role (`lambda:CreateFunction`,
`ecs:RunTask`, `ssm:SendCommand`...). A service granted one of them is an
administrator in waiting. Every action of IAM, STS, Organizations, IAM
Identity Center and account management, and the known escalation actions of
other services, are this error, and no waiver lets them through.");

rule!(DATABASE_IDENTITY, "MEDC-1032", Error, waivable: true,
"services authenticate to the database with their own identity",
cites: ["45 CFR 164.312(a)(2)(i)", "45 CFR 164.312(d)"],
governs: "database IAM authentication",
external: [checkov("AWS::RDS::DBCluster", ["CKV_AWS_162"])],
"Each service connects to Aurora as its own database user through IAM
authentication, with short-lived tokens from its task role; the audit log
names the service. The master credentials never reach a service: they are
for administrators. `iam_auth off` is this error; waived, the service is
given no database credentials at all, and must be given its own through a
secret.");

/// Every code, in ascending order (a test keeps it so: `lookup` searches it
/// by halves). `medc explain` and `medc rules` read this list.
pub static ALL: &[&Code] = &[
    &SYNTAX,
    &UNCLOSED_BLOCK,
    &STRAY_CLOSE,
    &UNTERMINATED_STRING,
    &BAD_ESCAPE,
    &BAD_UNIT,
    &BAD_NUMBER,
    &REVERSED_RANGE,
    &TOO_DEEP,
    &NOT_TEXT,
    &EMPTY_PROGRAM,
    &MISSING_PIPELINE,
    &TRAILING_INPUT,
    &NON_ASCII_NAME,
    &TOO_LARGE,
    &INCOMPLETE_ROUTE,
    &INCOMPLETE_WAIVER,
    &INCOMPLETE_PARAM,
    &BIDI_CONTROL,
    &UNKNOWN_NAME,
    &UNKNOWN_ENGINE,
    &UNKNOWN_REFERENCE,
    &WRONG_KIND,
    &DUPLICATE_NAME,
    &DUPLICATE_SETTING,
    &UNUSED,
    &STRAY_VALUE,
    &MISSING_VALUE,
    &MISSING_BLOCK,
    &MISPLACED,
    &MISSING_SETTING,
    &INVALID_NAME,
    &NAME_COLLISION,
    &TYPE_MISMATCH,
    &OUT_OF_RANGE,
    &NOT_ALLOWED_VALUE,
    &FARGATE_SIZE,
    &AURORA_VERSION,
    &AURORA_CAPACITY,
    &KINESIS_RETENTION,
    &KINESIS_SHARDS,
    &REDIS_SNAPSHOTS,
    &LOG_RETENTION,
    &BUCKET_NAME,
    &NAME_TOO_LONG,
    &AURORA_BACKUP_LIMIT,
    &TAG_VALUE,
    &STACK_RESOURCES,
    &TEMPLATE_BODY,
    &TEMPLATE_INLINE,
    &STACK_PARAMETERS,
    &STACK_OUTPUTS,
    &LOGICAL_ID,
    &RESOURCE_TAGS,
    &IAM_ACTION,
    &SECRET_NAME,
    &KEY_ARN,
    &VPC_CIDR,
    &HEALTH_PATH,
    &MOUNT_PATH,
    &ENV_NAME,
    &FILE_MODE,
    &BACKUP_SCHEDULE,
    &EMAIL_ADDRESS,
    &PARAM_NOT_TAKEN,
    &ZONES_REQUIRED,
    &ALARM_NEVER_FIRES,
    &WAIVER_REASON,
    &UNUSED_WAIVER,
    &NOT_WAIVABLE,
    &UNKNOWN_RULE,
    &ENCRYPTION_AT_REST,
    &KEY_ROTATION,
    &TRANSIT_ENCRYPTION,
    &MUTUAL_TLS,
    &ROUTE_AUTHORIZATION,
    &LITERAL_SECRET,
    &MULTI_AZ,
    &NETWORK_AZS,
    &SERVICE_TASKS,
    &BACKUP_RETENTION,
    &BACKUP_PLAN,
    &DELETION_PROTECTION,
    &AUDIT_LOGGING,
    &LOG_RETENTION_MIN,
    &NO_PHI_IN_LOGS,
    &LEAST_PRIVILEGE,
    &NO_PUBLIC_EXPOSURE,
    &INTERNET_EGRESS,
    &CONTAINER_HARDENING,
    &DATA_RESIDENCY,
    &ALARM_NOTIFICATION,
    &DISPOSABLE_STACK,
    &WEB_FIREWALL,
    &PRIVILEGE_ESCALATION,
    &DATABASE_IDENTITY,
];

/// Looks a code up by its text, ignoring case (`medc-1001` finds MEDC-1001).
pub fn lookup(code: &str) -> Option<&'static Code> {
    // Codes are mostly written in capitals (the schema's hundreds of
    // constraints, every waiver): those are compared as they are.
    let upper: std::borrow::Cow<'_, str> =
        if code.bytes().any(|b| b.is_ascii_lowercase()) { code.to_ascii_uppercase().into() } else { code.into() };
    ALL.binary_search_by(|c| c.code.cmp(&upper)).ok().map(|i| ALL[i])
}

/// The compliance rules, the ones a waiver may name.
pub fn rules() -> impl Iterator<Item = &'static Code> {
    ALL.iter().copied().filter(|c| c.category == Category::Compliance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ALL {
            assert!(seen.insert(code.code), "{} listed twice", code.code);
            assert!(code.code.starts_with("MEDC-") && code.code.len() == 9);
            assert!(!code.explanation.trim().is_empty(), "{} unexplained", code.code);
            let is_rule = code.code.as_bytes()[5] == b'1';
            assert_eq!(is_rule, code.category == Category::Compliance, "{}", code.code);
            assert_eq!(is_rule, !code.citations.is_empty(), "{}", code.code);
        }
        assert!(ALL.windows(2).all(|pair| pair[0].code < pair[1].code), "ALL must stay in ascending order");
    }

    #[test]
    fn lookup_finds_every_code_in_any_case() {
        for code in ALL {
            assert_eq!(lookup(code.code).map(|c| c.code), Some(code.code));
            assert_eq!(lookup(&code.code.to_ascii_lowercase()).map(|c| c.code), Some(code.code));
        }
        assert!(lookup("MEDC-9999").is_none());
        assert!(lookup("").is_none());
        assert!(lookup("MEDC-10011").is_none());
    }
}
