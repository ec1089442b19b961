//! The pipeline as a picture, for reviewers: components as nodes grouped by
//! tier and by where they live in the network, data paths as edges labelled
//! with their protocol and the protection on them, and the trust boundary:
//! the only way in is the API, with mutual TLS.
//!
//! [`picture`] reads the checked program into a [`Graph`]; the writers turn
//! it into DOT and Mermaid text (for users who embed it elsewhere) and into
//! SVG, laid out in Rust by `layout-rs` from the same DOT text.

use crate::check::model::{Component, Kind, Program};
use crate::lower::view::{Egress, Service, Typed, Views};
use std::fmt::Write;

/// The tiers a reader scans top to bottom: how requests come in, what runs,
/// what holds data, and what everything else relies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Ingress,
    Compute,
    Data,
    Foundation,
}

impl Tier {
    pub fn title(self) -> &'static str {
        match self {
            Tier::Ingress => "ingress",
            Tier::Compute => "compute",
            Tier::Data => "data",
            Tier::Foundation => "foundation",
        }
    }
}

/// Where a component's network interfaces are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Placement {
    /// Outside the pipeline: the clients.
    Outside,
    /// A regional AWS endpoint, reached from the VPC through a VPC endpoint.
    Regional,
    /// The private subnets: services and the API's internal load balancer.
    Private,
    /// The isolated subnets: data stores, with no route out of the VPC.
    Isolated,
}

impl Placement {
    pub fn title(self) -> &'static str {
        match self {
            Placement::Outside => "outside the pipeline",
            Placement::Regional => "regional AWS service",
            Placement::Private => "private subnets",
            Placement::Isolated => "isolated subnets",
        }
    }
}

#[derive(Debug)]
pub struct Node {
    /// The component's name, unique in the program (`clients` for the
    /// outside world, which no component can be named: names are checked).
    pub id: String,
    /// `database aurora`, `service processor`.
    pub label: String,
    pub tier: Tier,
    pub placement: Placement,
}

#[derive(Debug)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// What the program wrote: `connects`, `reads`, `writes`, `mount`, a route.
    pub relation: String,
    /// `PostgreSQL :5432`, `HTTPS`.
    pub protocol: String,
    /// What protects the path: `TLS, IAM auth`.
    pub protection: String,
}

#[derive(Debug)]
pub struct Graph {
    pub pipeline: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// The node id of the internet, drawn when the program declares egress.
pub const INTERNET: &str = "(internet)";

/// The node id of the world outside the pipeline. Component names are
/// identifiers with `_`, so `(clients)` cannot be one of them.
pub const CLIENTS: &str = "(clients)";

/// The picture of a compiled program, read from its typed views.
pub fn picture(program: &Program) -> Result<Graph, crate::InternalError> {
    let views = Views::read(program)?;
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    if views.apis().next().is_some() {
        nodes.push(Node {
            id: CLIENTS.into(),
            label: "clients".into(),
            tier: Tier::Ingress,
            placement: Placement::Outside,
        });
    }
    for typed in &views.components {
        let component = typed.component();
        let (tier, placement) = match component.kind {
            Kind::Api => (Tier::Ingress, Placement::Regional),
            Kind::Service => (Tier::Compute, Placement::Private),
            Kind::Database | Kind::Cache | Kind::Storage => (Tier::Data, Placement::Isolated),
            Kind::Bucket | Kind::Stream => (Tier::Data, Placement::Regional),
            Kind::Key | Kind::Secret | Kind::Network | Kind::Alarms | Kind::Backup => {
                (Tier::Foundation, Placement::Regional)
            }
        };
        let label = crate::check::describe(component).replace('`', "");
        nodes.push(Node { id: component.name.clone(), label, tier, placement });
    }
    for typed in &views.components {
        match typed {
            Typed::Api(api) => {
                edges.push(Edge {
                    from: CLIENTS.into(),
                    to: api.component.name.clone(),
                    relation: "the only entry point".into(),
                    protocol: "HTTPS".into(),
                    protection: "mutual TLS, SigV4".into(),
                });
                for route in &api.routes {
                    edges.push(Edge {
                        from: api.component.name.clone(),
                        to: route.target.name.clone(),
                        relation: format!("{} {}", route.method, route.path),
                        protocol: "HTTPS via VPC link".into(),
                        protection: "TLS to the load balancer and the task".into(),
                    });
                    // Large studies go straight to the bucket, with a URL
                    // the service signs for a client the API authenticated.
                    if let Some(bucket) = route.upload {
                        edges.push(Edge {
                            from: CLIENTS.into(),
                            to: bucket.name.clone(),
                            relation: format!("upload, URL from {} {}", route.method, route.path),
                            protocol: "HTTPS PUT, presigned".into(),
                            protection: "TLS, SSE-KMS with the pipeline's key".into(),
                        });
                        edges.push(Edge {
                            from: bucket.name.clone(),
                            to: route.target.name.clone(),
                            relation: "reads the uploads".into(),
                            protocol: "HTTPS via S3 gateway endpoint".into(),
                            protection: "TLS, KMS at rest".into(),
                        });
                    }
                }
            }
            Typed::Service(service) => service_edges(&views, service, &mut edges),
            Typed::Database(database) => {
                edges.push(credentials(database.credentials.component, database.component, "credentials"));
            }
            Typed::Cache(cache) => edges.push(credentials(cache.auth.component, cache.component, "auth")),
            Typed::Network(network) => {
                if matches!(network.egress, Egress::Nat) {
                    nodes.push(Node {
                        id: INTERNET.into(),
                        label: "internet".into(),
                        tier: Tier::Foundation,
                        placement: Placement::Outside,
                    });
                    for service in views.services() {
                        edges.push(Edge {
                            from: service.component.name.clone(),
                            to: INTERNET.into(),
                            relation: "egress (declared, waived)".into(),
                            protocol: "HTTPS via NAT gateway".into(),
                            protection: "the service's own TLS".into(),
                        });
                    }
                }
            }
            Typed::Key(_)
            | Typed::Secret(_)
            | Typed::Storage(_)
            | Typed::Bucket(_)
            | Typed::Stream(_)
            | Typed::Alarms(_)
            | Typed::Backup(_) => {}
        }
    }
    Ok(Graph { pipeline: program.name.name.clone(), nodes, edges })
}

fn credentials(secret: &Component, store: &Component, relation: &str) -> Edge {
    Edge {
        from: secret.name.clone(),
        to: store.name.clone(),
        relation: relation.into(),
        protocol: "dynamic reference".into(),
        protection: "resolved by CloudFormation, never in the template".into(),
    }
}

fn service_edges(views: &Views<'_>, service: &Service<'_>, edges: &mut Vec<Edge>) {
    let name = &service.component.name;
    for store in &service.connects {
        let (protocol, protection) = match views.components.iter().find(|t| std::ptr::eq(t.component(), *store)) {
            Some(Typed::Database(database)) => (format!("PostgreSQL :{}", database.port), "TLS, IAM database auth"),
            Some(Typed::Cache(cache)) => (format!("Redis :{}", cache.port), "TLS, AUTH token"),
            _ => (String::from("TCP"), "TLS"),
        };
        edges.push(Edge {
            from: name.clone(),
            to: store.name.clone(),
            relation: "connects".into(),
            protocol,
            protection: protection.into(),
        });
    }
    for (relation, stores, outward) in [("reads", &service.reads, false), ("writes", &service.writes, true)] {
        for store in stores {
            let protocol = match store.kind {
                Kind::Bucket => "HTTPS via S3 gateway endpoint",
                _ => "HTTPS via VPC endpoint",
            };
            let (from, to) =
                if outward { (name.clone(), store.name.clone()) } else { (store.name.clone(), name.clone()) };
            edges.push(Edge {
                from,
                to,
                relation: relation.into(),
                protocol: protocol.into(),
                protection: "TLS, KMS at rest".into(),
            });
        }
    }
    for mount in &service.mounts {
        edges.push(Edge {
            from: name.clone(),
            to: mount.storage.name.clone(),
            relation: format!("mount at {}", mount.path),
            protocol: "NFS :2049".into(),
            protection: "TLS, IAM auth via access point".into(),
        });
    }
}

/// A DOT string literal.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn fill(tier: Tier) -> &'static str {
    match tier {
        Tier::Ingress => "#fde2e4",
        Tier::Compute => "#e2ecfd",
        Tier::Data => "#e3f6e5",
        Tier::Foundation => "#f1f1f1",
    }
}

/// Graphviz DOT: clusters per tier and placement, for users who render it
/// with Graphviz or embed it elsewhere.
pub fn to_dot(graph: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&graph.pipeline));
    let _ = writeln!(out, "  rankdir=TB;");
    let _ =
        writeln!(out, "  label={};", quote(&format!("pipeline {}: data paths and their protection", graph.pipeline)));
    let _ = writeln!(out, "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    let mut groups: Vec<(Tier, Placement)> = graph.nodes.iter().map(|n| (n.tier, n.placement)).collect();
    groups.sort();
    groups.dedup();
    for (index, (tier, placement)) in groups.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{index} {{");
        let _ = writeln!(out, "    label={};", quote(&format!("{} · {}", tier.title(), placement.title())));
        if *placement == Placement::Outside {
            let _ = writeln!(out, "    style=dashed; color=\"#c0392b\";");
        }
        for node in graph.nodes.iter().filter(|n| n.tier == *tier && n.placement == *placement) {
            let _ = writeln!(
                out,
                "    {} [label={}, fillcolor=\"{}\"];",
                quote(&node.id),
                quote(&node.label),
                fill(node.tier)
            );
        }
        let _ = writeln!(out, "  }}");
    }
    for edge in &graph.edges {
        let label = format!("{}\n{}\n{}", edge.relation, edge.protocol, edge.protection);
        let style = if edge.from == CLIENTS { ", color=\"#c0392b\", penwidth=2" } else { "" };
        let _ = writeln!(out, "  {} -> {} [label={}{style}];", quote(&edge.from), quote(&edge.to), quote(&label));
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart: subgraphs per tier and placement.
pub fn to_mermaid(graph: &Graph) -> String {
    // Mermaid ids are restricted; number the nodes and label them.
    let id = |name: &str| graph.nodes.iter().position(|n| n.id == name).map_or_else(|| "x".into(), |i| format!("n{i}"));
    let text = |s: &str| s.replace('"', "#quot;");
    let mut out = String::from("flowchart TB\n");
    let mut groups: Vec<(Tier, Placement)> = graph.nodes.iter().map(|n| (n.tier, n.placement)).collect();
    groups.sort();
    groups.dedup();
    for (index, (tier, placement)) in groups.iter().enumerate() {
        let _ = writeln!(out, "  subgraph g{index}[\"{} · {}\"]", tier.title(), placement.title());
        for node in graph.nodes.iter().filter(|n| n.tier == *tier && n.placement == *placement) {
            let _ = writeln!(out, "    {}[\"{}\"]", id(&node.id), text(&node.label));
        }
        let _ = writeln!(out, "  end");
    }
    for edge in &graph.edges {
        let label = format!("{}<br/>{}<br/>{}", edge.relation, edge.protocol, edge.protection);
        let arrow = if edge.from == CLIENTS { "==>" } else { "-->" };
        let _ = writeln!(out, "  {} {arrow}|\"{}\"| {}", id(&edge.from), text(&label), id(&edge.to));
    }
    out
}

/// SVG, laid out by `layout-rs` from the DOT text. Its layout engine keeps
/// no clusters, so the tier and placement go into each node's label.
pub fn to_svg(graph: &Graph) -> Result<String, crate::InternalError> {
    use layout::backends::svg::SVGWriter;
    use layout::gv::{DotParser, GraphBuilder};
    let mut flat = String::new();
    let _ = writeln!(flat, "digraph {} {{", quote(&graph.pipeline));
    let _ = writeln!(flat, "  rankdir=LR;");
    for node in &graph.nodes {
        let label = format!("{}\n{} · {}", node.label, node.tier.title(), node.placement.title());
        let _ = writeln!(
            flat,
            "  {} [label={}, shape=box, fillcolor=\"{}\"];",
            quote(&node.id),
            quote(&label),
            fill(node.tier)
        );
    }
    for edge in &graph.edges {
        let label = format!("{}\n{}", edge.relation, edge.protection);
        let style = if edge.from == CLIENTS { ", color=\"#c0392b\", penwidth=2" } else { "" };
        let _ = writeln!(
            flat,
            "  {} -> {} [label={}, fontsize=11{style}];",
            quote(&edge.from),
            quote(&edge.to),
            quote(&label)
        );
    }
    flat.push_str("}\n");
    let ast = DotParser::new(&flat)
        .process()
        .map_err(|e| crate::InternalError(format!("the graph's DOT text does not parse: {e}")))?;
    // The layout library asserts on states it considers impossible; a
    // failure there is medc's, reported as an internal error, not a crash.
    let rendered = std::panic::catch_unwind(move || {
        let mut builder = GraphBuilder::new();
        builder.visit_graph(&ast);
        let mut visual = builder.get();
        let mut svg = SVGWriter::new();
        visual.do_it(false, false, false, &mut svg);
        svg.finalize()
    });
    let svg = rendered.map_err(|_| crate::InternalError("the graph layout failed".into()))?;
    Ok(sorted_styles(&svg))
}

/// The SVG writer keeps its font classes in a hash map, so the lines of
/// its `<style>` block come in a different order each run; sorting them
/// makes the same program give the same bytes.
fn sorted_styles(svg: &str) -> String {
    let (Some(open), Some(close)) = (svg.find("<style>"), svg.find("</style>")) else {
        return svg.to_string();
    };
    let start = open + "<style>".len();
    if close < start {
        return svg.to_string();
    }
    let mut lines: Vec<&str> = svg[start..close].lines().filter(|l| !l.trim().is_empty()).collect();
    lines.sort_unstable();
    format!("{}\n{}\n{}", &svg[..start], lines.join("\n"), &svg[close..])
}
