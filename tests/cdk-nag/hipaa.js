#!/usr/bin/env node
// Runs cdk-nag's HIPAA.Security pack over CloudFormation templates.
//
//   node hipaa.js TEMPLATE.json...
//
// Each template is read with `cloudformation_include.CfnInclude` into its own
// stack, the pack is applied through `Aspects`, and the app is synthesized.
// Prints one JSON object: for every template, the unsuppressed findings
// (`errors`: rule id, logical id, message), the findings a resource's
// `Metadata.cdk_nag.rules_to_suppress` suppressed (`suppressed`, with the
// reason), and the rules that could not evaluate a resource (`failures`).
// cdk-nag reads the suppressions of included resources from their template
// metadata itself, so the metadata medc writes is all it needs.
'use strict';

const path = require('path');
const { App, Aspects, Stack, cloudformation_include: cfninc } = require('aws-cdk-lib');
const { HIPAASecurityChecks, NagMessageLevel } = require('cdk-nag');

function resourceId(resource) {
  return Stack.of(resource).resolve(resource.logicalId);
}

function collector(report) {
  const entry = (data, extra) => ({
    rule: data.ruleId,
    finding: data.findingId,
    resource: resourceId(data.resource),
    type: data.resource.cfnResourceType,
    ...extra,
  });
  return {
    onCompliance() {},
    onNotApplicable() {},
    onNonCompliance(data) {
      const list = data.ruleLevel === NagMessageLevel.ERROR ? report.errors : report.warnings;
      list.push(entry(data, { message: data.ruleInfo }));
    },
    onSuppressed(data) {
      report.suppressed.push(entry(data, { reason: data.suppressionReason }));
    },
    onError(data) {
      report.failures.push(entry(data, { message: data.errorMessage }));
    },
    onSuppressedError(data) {
      report.suppressed.push(entry(data, { reason: data.errorSuppressionReason }));
    },
  };
}

function main(files) {
  if (files.length === 0) {
    process.stderr.write('usage: node hipaa.js TEMPLATE.json...\n');
    process.exit(2);
  }
  const results = {};
  const app = new App({ outdir: require('fs').mkdtempSync(path.join(require('os').tmpdir(), 'cdk-nag-')) });
  files.forEach((file, index) => {
    const report = { errors: [], warnings: [], suppressed: [], failures: [] };
    results[file] = report;
    const stack = new Stack(app, `Template${index}`);
    new cfninc.CfnInclude(stack, 'Template', { templateFile: file });
    Aspects.of(stack).add(
      new HIPAASecurityChecks({ reports: false, additionalLoggers: [collector(report)] }),
    );
  });
  app.synth();
  require('fs').rmSync(app.outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}

main(process.argv.slice(2));
