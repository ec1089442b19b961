//! One module per component kind, each owning everything about its kind:
//! its resources, the names it gives them (which the checker measures), its
//! alarms, its outputs, and how a service connects to, reads, writes or
//! mounts it (IAM statements, environment, security-group rules).
//!
//! The functions below are the only dispatch on kinds, each an exhaustive
//! match: a new kind is a compile error at every one of them until its
//! module answers (docs/adding-a-kind.md).

pub mod alarms;
pub mod api;
pub mod backup;
pub mod bucket;
pub mod cache;
pub mod database;
pub mod key;
pub mod network;
pub mod service;
pub mod storage;
pub mod stream;

use super::view::{Alarms, Service, Typed};
use super::Lowering;
use crate::check::model::Kind;
use crate::naming::Named;
use crate::InternalError;
use serde_json::Value;

/// When a kind's resources are made: after everything they refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The pipeline's KMS key, which everything else is encrypted with.
    Key,
    /// The VPC, its subnets and endpoints.
    Network,
    /// The data stores, in the program's order.
    Data,
    /// The services, which reach the data stores.
    Compute,
    /// The apis, which route to the services.
    Edge,
    /// The backup plan, which selects the data stores.
    Backup,
    /// The alarms, which watch everything above.
    Alarms,
}

impl Phase {
    pub const ALL: [Phase; 7] =
        [Phase::Key, Phase::Network, Phase::Data, Phase::Compute, Phase::Edge, Phase::Backup, Phase::Alarms];
}

/// The phase a component's resources belong to; None for a kind that
/// creates nothing (a secret names an existing one).
pub fn phase(typed: &Typed<'_>) -> Option<Phase> {
    match typed {
        Typed::Key(_) => Some(Phase::Key),
        Typed::Secret(_) => None,
        Typed::Network(_) => Some(Phase::Network),
        Typed::Database(_) | Typed::Storage(_) | Typed::Bucket(_) | Typed::Cache(_) | Typed::Stream(_) => {
            Some(Phase::Data)
        }
        Typed::Service(_) => Some(Phase::Compute),
        Typed::Api(_) => Some(Phase::Edge),
        Typed::Backup(_) => Some(Phase::Backup),
        Typed::Alarms(_) => Some(Phase::Alarms),
    }
}

/// The resources of one component.
pub fn resources(lowering: &mut Lowering<'_>, typed: &Typed<'_>) -> Result<(), InternalError> {
    match typed {
        Typed::Key(key) => key::resources(lowering, key),
        Typed::Secret(_) => {}
        Typed::Network(network) => network::resources(lowering, network),
        Typed::Database(database) => database::resources(lowering, database),
        Typed::Storage(storage) => storage::resources(lowering, storage)?,
        Typed::Bucket(bucket) => bucket::resources(lowering, bucket),
        Typed::Cache(cache) => cache::resources(lowering, cache),
        Typed::Stream(stream) => stream::resources(lowering, stream),
        Typed::Service(service) => service::resources(lowering, service),
        Typed::Api(api) => api::resources(lowering, api)?,
        Typed::Alarms(alarms) => alarms::resources(lowering, alarms),
        Typed::Backup(backup) => backup::resources(lowering, backup)?,
    }
    Ok(())
}

/// The alarms that watch one component, with the pipeline's thresholds.
pub fn alarms(lowering: &Lowering<'_>, typed: &Typed<'_>, thresholds: &Alarms<'_>) -> Vec<alarms::Alarm> {
    match typed {
        Typed::Database(database) => database::alarms(database, thresholds),
        Typed::Storage(storage) => storage::alarms(storage),
        Typed::Cache(cache) => cache::alarms(cache, thresholds),
        Typed::Stream(stream) => stream::alarms(stream, thresholds),
        Typed::Service(service) => service::alarms(service, thresholds),
        Typed::Api(api) => api::alarms(lowering, api, thresholds),
        // Nothing of theirs has a metric worth waking someone for: the key,
        // the network and the bucket fail loudly in the components above.
        Typed::Key(_)
        | Typed::Secret(_)
        | Typed::Network(_)
        | Typed::Bucket(_)
        | Typed::Alarms(_)
        | Typed::Backup(_) => Vec::new(),
    }
}

/// The outputs of one component, named as for the first of its kind
/// (`DatabaseEndpoint`); `outputs` prefixes later ones with their name.
pub fn outputs(typed: &Typed<'_>, first: bool) -> Vec<(&'static str, &'static str, Value)> {
    match typed {
        Typed::Database(database) => database::outputs(database),
        Typed::Storage(storage) => storage::outputs(storage),
        Typed::Bucket(bucket) => bucket::outputs(bucket),
        Typed::Cache(cache) => cache::outputs(cache),
        Typed::Stream(stream) => stream::outputs(stream),
        Typed::Service(service) => service::outputs(service, first),
        Typed::Api(api) => api::outputs(api),
        // The pipeline-wide outputs (`outputs.rs`) cover the key, the network
        // and the alarm topic; secrets and the backup plan have none.
        Typed::Key(_) | Typed::Secret(_) | Typed::Network(_) | Typed::Alarms(_) | Typed::Backup(_) => Vec::new(),
    }
}

/// How a service uses a component it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access<'p> {
    /// `connects`
    Connect,
    /// `reads`
    Read,
    /// `writes`
    Write,
    /// `mount ... at PATH`
    Mount(&'p str),
}

/// Wires a service to a component it uses: environment, secrets, volumes,
/// IAM statements and the security-group path. The checker allows only the
/// kinds each setting declares, so the other pairs add nothing.
pub fn serve(
    lowering: &mut Lowering<'_>,
    target: &Typed<'_>,
    service: &Service<'_>,
    access: Access<'_>,
    wiring: &mut service::Wiring,
) {
    match target {
        Typed::Database(database) => database::serve(lowering, database, service, access, wiring),
        Typed::Cache(cache) => cache::serve(lowering, cache, service, access, wiring),
        Typed::Stream(stream) => stream::serve(stream, access, wiring),
        Typed::Bucket(bucket) => bucket::serve(bucket, access, wiring),
        Typed::Storage(storage) => storage::serve(lowering, storage, service, access, wiring),
        Typed::Key(_)
        | Typed::Secret(_)
        | Typed::Network(_)
        | Typed::Service(_)
        | Typed::Api(_)
        | Typed::Alarms(_)
        | Typed::Backup(_) => {}
    }
}

/// The VPC interface endpoint (logical-id stem, service name) through which
/// a service reaches a component of this kind without the internet, beyond
/// the ones every service has (ECR, Logs, Secrets Manager, KMS).
pub fn interface_endpoint(typed: &Typed<'_>) -> Option<(&'static str, &'static str)> {
    match typed {
        Typed::Stream(_) => Some(("Kinesis", "kinesis-streams")),
        // S3 is reached through the gateway endpoint every network has; the
        // databases, caches and file systems are in the VPC.
        Typed::Bucket(_) | Typed::Database(_) | Typed::Cache(_) | Typed::Storage(_) => None,
        Typed::Key(_)
        | Typed::Secret(_)
        | Typed::Network(_)
        | Typed::Service(_)
        | Typed::Api(_)
        | Typed::Alarms(_)
        | Typed::Backup(_) => None,
    }
}

/// The resources of a component that get names, for the checker's length
/// limits: `base` is `PIPELINE-NAME`, as the lowering names them.
pub fn names(kind: Kind, base: &str) -> Vec<Named> {
    match kind {
        Kind::Key => key::names(base),
        Kind::Database => database::names(base),
        Kind::Cache => cache::names(base),
        Kind::Bucket => bucket::names(base),
        Kind::Stream => stream::names(base),
        Kind::Service => service::names(base),
        Kind::Api => api::names(base),
        Kind::Alarms => alarms::names(base),
        Kind::Backup => backup::names(base),
        // Named after the pipeline alone (the network's resources), or not
        // named by medc at all (EFS file systems, existing secrets).
        Kind::Secret | Kind::Network | Kind::Storage => Vec::new(),
    }
}
