//! Function settings from infrastructure files, so a pull request's own change to them is what
//! `faascope ci check` prices:
//!
//! * **AWS SAM / CloudFormation** templates (`template.yaml` / `.json`): resources of type
//!   `AWS::Serverless::Function` (with the template's `Globals.Function`) and
//!   `AWS::Lambda::Function`; provisioned concurrency from a SAM function's
//!   `ProvisionedConcurrencyConfig` or from an `AWS::Lambda::Alias` / `AWS::Lambda::Version`
//!   that points at the function. Short-form intrinsics (`!Ref`, `!Sub`) and their long forms are
//!   read; `Ref` to a template parameter resolves to the parameter override given in
//!   `faascope.toml`, else to the parameter's `Default`. Anything else that is not a literal
//!   (`!If`, `!FindInMap`, `!GetAtt`, …) is an error naming the resource and property, so a
//!   value is never guessed.
//! * **Serverless Framework** (`serverless.yml`): `provider.memorySize / timeout / architecture /
//!   runtime / region / stage` as defaults (memory and timeout set nowhere: the framework's own,
//!   1024 MB and 6 s) and each function's `memorySize`, `timeout`,
//!   `architecture`, `runtime`, `provisionedConcurrency`, `ephemeralStorageSize`, `name`.
//!   Variables `${self:path}`, `${opt:stage}`, `${sls:stage}`, `${opt:region}` and a literal
//!   fallback (`${env:MEMORY, 1024}`) are resolved; other variables are errors naming the key.
//!
//! YAML parsing is `serde_norway` (a maintained fork of serde_yaml), which keeps
//! CloudFormation's local tags as tagged values instead of rejecting them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_norway::Value;

use crate::cost::{Arch, PackageType};

/// Function settings read from a template. `None`: the file does not say.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateFunction {
    /// The file it came from.
    pub file: PathBuf,
    /// 1-based line of the resource / function key, when found.
    pub line: Option<usize>,
    /// Logical id (SAM/CloudFormation) or function key (Serverless).
    pub key: String,
    /// The deployed function name when the file gives or implies one.
    pub deployed_name: Option<String>,
    pub memory_mb: Option<u32>,
    pub timeout_s: Option<u32>,
    pub arch: Option<Arch>,
    /// Region (Serverless `provider.region`; CloudFormation templates do not say).
    pub region: Option<String>,
    pub runtime: Option<String>,
    pub provisioned_concurrency: Option<u32>,
    pub ephemeral_storage_mb: Option<u32>,
    pub package: Option<PackageType>,
    pub reserved_concurrency: Option<u32>,
    /// SnapStart (`SnapStart: {ApplyOn: PublishedVersions}`): on, off (`None`), or not said.
    pub snapstart: Option<bool>,
    /// Settings whose value the file gives in a form that cannot be evaluated offline (`!If`,
    /// `${ssm:…}`) or outside Lambda's range, by their `faascope.toml` key: an error only when
    /// the project's `[[functions]]` entry does not set them (sixth-round CI review: the error
    /// said to set the value in faascope.toml, and doing so did not help).
    pub unresolved: Vec<(&'static str, TemplateError)>,
}

/// Lambda's default memory size and timeout, for a SAM / CloudFormation function that sets
/// neither (facts.md §3.4: 3 s; CloudFormation's `MemorySize` default, 128 MB).
const LAMBDA_DEFAULT_MEMORY_MB: u32 = 128;
const LAMBDA_DEFAULT_TIMEOUT_S: u32 = 3;

/// What the Serverless Framework deploys an AWS function with when neither the function nor
/// `provider` sets `memorySize` / `timeout`: 1024 MB and 6 s (its serverless.yml reference,
/// `provider.memorySize: 512 # optional, in MB, default is 1024` and `timeout: 10 # optional,
/// in seconds, default is 6`; its `getMemorySize`/`getTimeout` fall back to 1024 and 6). Not
/// Lambda's own defaults (128 MB, 3 s): the framework always sets both. Seventh-round ci
/// review: such a function was "memory_mb is not known".
const SERVERLESS_DEFAULT_MEMORY_MB: u32 = 1024;
const SERVERLESS_DEFAULT_TIMEOUT_S: u32 = 6;

/// A function's own value, else the provider's default (either may be unreadable).
fn or_default<T: Clone>(
    own: Result<Option<T>, TemplateError>,
    default: &Result<Option<T>, TemplateError>,
) -> Result<Option<T>, TemplateError> {
    match own {
        Ok(None) => default.clone(),
        other => other,
    }
}

/// `r`'s value, or `None` with its error kept as `setting`'s in `unresolved`.
fn soft<T>(
    unresolved: &mut Vec<(&'static str, TemplateError)>,
    setting: &'static str,
    r: Result<Option<T>, TemplateError>,
) -> Option<T> {
    r.unwrap_or_else(|e| {
        unresolved.push((setting, e));
        None
    })
}

impl TemplateFunction {
    /// Names a log group may use for this function: the deployed name, then the key.
    pub fn candidate_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.deployed_name.iter().cloned().collect();
        if !v.contains(&self.key) {
            v.push(self.key.clone());
        }
        v
    }

    /// The name shown in reports: the deployed name, else the key.
    pub fn display_name(&self) -> &str {
        self.deployed_name.as_deref().unwrap_or(&self.key)
    }

    /// `file:line` (or the file alone).
    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file.display()),
            None => self.file.display().to_string(),
        }
    }
}

/// A template that cannot be read; the message names the file, the place and the fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{line}: {message}", file = file.display(), line = line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct TemplateError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

fn err(file: &Path, line: Option<usize>, message: impl Into<String>) -> TemplateError {
    TemplateError {
        file: file.to_path_buf(),
        line,
        message: message.into(),
    }
}

fn read(file: &Path) -> Result<(String, Value), TemplateError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| err(file, None, format!("cannot read the file: {e}")))?;
    let doc: Value = serde_norway::from_str(&text).map_err(|e| {
        err(
            file,
            e.location().map(|l| l.line()),
            format!("not valid YAML/JSON: {e}"),
        )
    })?;
    Ok((text, doc))
}

/// 1-based line of the first line that is `key:` at any indentation (a good enough pointer for
/// annotations; YAML values carry no positions).
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| is_key_line(l, key))
        .map(|i| i + 1)
}

/// Whether `line` is `key:` (at any indentation, the key optionally quoted).
fn is_key_line(line: &str, key: &str) -> bool {
    let t = line
        .trim_start()
        .trim_start_matches('"')
        .trim_start_matches('\'');
    t.strip_prefix(key).is_some_and(|rest| {
        let rest = rest.trim_start_matches('"').trim_start_matches('\'');
        rest.trim_start().starts_with(':')
    })
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// 1-based line of `key:` inside the block that starts at 1-based line `block` (the lines
/// after it that are more indented); `block` itself when not found (a flow mapping, say).
fn line_in_block(text: &str, block: Option<usize>, key: &str) -> Option<usize> {
    let b = block?;
    let lines: Vec<&str> = text.lines().collect();
    let head = lines.get(b - 1)?;
    let depth = indent(head);
    let found = lines
        .iter()
        .enumerate()
        .skip(b)
        .take_while(|(_, l)| {
            let t = l.trim_start();
            t.is_empty() || t.starts_with('#') || indent(l) > depth
        })
        .find(|(_, l)| is_key_line(l, key))
        .map(|(i, _)| i + 1);
    Some(found.unwrap_or(b))
}

/// `value` (from `at`, at `line` of `file`) within `lo..=hi` `unit`.
fn check_range(
    file: &Path,
    line: Option<usize>,
    at: &str,
    value: Option<u32>,
    (lo, hi): (u32, u32),
    unit: &str,
) -> Result<Option<u32>, TemplateError> {
    match value {
        Some(v) if !(lo..=hi).contains(&v) => Err(err(
            file,
            line,
            format!("{at} = {v} is outside Lambda's {lo}..={hi} {unit}. Fix: set a value in that range (or the function's setting in faascope.toml)"),
        )),
        other => Ok(other),
    }
}

/// Lambda's memory range, MB.
const MEMORY_MB: (u32, u32) = (128, 10_240);
/// Lambda's timeout range, s.
const TIMEOUT_S: (u32, u32) = (1, 900);
/// Lambda's ephemeral storage range, MB.
const EPHEMERAL_MB: (u32, u32) = (512, 10_240);

fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Mapping(m) => m.get(key),
        _ => None,
    }
}

/// What a scalar resolved to.
enum Scalar {
    Text(String),
    Absent,
}

/// Replaces every `${...}` in `s` by `value(inside)`.
fn substitute(
    s: &str,
    file: &Path,
    at: &str,
    line: Option<usize>,
    mut value: impl FnMut(&str) -> Result<String, TemplateError>,
) -> Result<String, TemplateError> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        // The matching `}`: variables nest (`${opt:stage, ${self:custom.stage}}`).
        let bytes = rest.as_bytes();
        let (mut depth, mut k, mut end) = (0usize, i, None);
        while k < bytes.len() {
            if bytes[k] == b'$' && bytes.get(k + 1) == Some(&b'{') {
                depth += 1;
                k += 2;
                continue;
            }
            if bytes[k] == b'}' {
                depth -= 1;
                if depth == 0 {
                    end = Some(k);
                    break;
                }
            }
            k += 1;
        }
        let Some(j) = end else {
            return Err(err(file, line, format!("{at}: unclosed ${{ in `{s}`")));
        };
        out.push_str(&value(&rest[i + 2..j])?);
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Turns template values into settings: implemented by each file format's resolver, which
/// only has to say how one value resolves ([`Resolve::scalar`]).
trait Resolve {
    fn file(&self) -> &Path;

    fn scalar(&self, v: &Value, at: &str, line: Option<usize>) -> Result<Scalar, TemplateError>;

    fn text(
        &self,
        v: Option<&Value>,
        at: &str,
        line: Option<usize>,
    ) -> Result<Option<String>, TemplateError> {
        let Some(v) = v else { return Ok(None) };
        match self.scalar(v, at, line)? {
            Scalar::Absent => Ok(None),
            Scalar::Text(t) => Ok(Some(t)),
        }
    }

    fn number(
        &self,
        v: Option<&Value>,
        at: &str,
        line: Option<usize>,
    ) -> Result<Option<u32>, TemplateError> {
        match self.text(v, at, line)? {
            None => Ok(None),
            Some(t) => t.trim().parse::<u32>().map(Some).map_err(|_| {
                err(
                    self.file(),
                    line,
                    format!("{at}: `{t}` is not a whole number"),
                )
            }),
        }
    }

    /// An architecture, or the first of a list of them (`Architectures: [arm64]`).
    fn arch(
        &self,
        v: Option<&Value>,
        at: &str,
        line: Option<usize>,
    ) -> Result<Option<Arch>, TemplateError> {
        let v = match v {
            Some(Value::Sequence(items)) => items.first(),
            other => other,
        };
        match self.text(v, at, line)? {
            None => Ok(None),
            Some(t) => Arch::parse(&t).map(Some).ok_or_else(|| {
                err(
                    self.file(),
                    line,
                    format!("{at}: `{t}` is not an architecture (x86_64 or arm64)"),
                )
            }),
        }
    }
}

impl Resolve for Cfn<'_> {
    fn file(&self) -> &Path {
        self.file
    }

    /// Resolves a literal, a `Ref` to a parameter, or a `Sub` without variables or with
    /// parameter variables only.
    fn scalar(&self, v: &Value, at: &str, line: Option<usize>) -> Result<Scalar, TemplateError> {
        self.cfn_scalar(v, at, line)
    }
}

impl Resolve for Sls<'_> {
    fn file(&self) -> &Path {
        self.file
    }

    fn scalar(&self, v: &Value, at: &str, line: Option<usize>) -> Result<Scalar, TemplateError> {
        self.resolve(v, at, line, 0)
    }
}

// ---------------------------------------------------------------------------------------------
// SAM / CloudFormation
// ---------------------------------------------------------------------------------------------

struct Cfn<'a> {
    file: &'a Path,
    text: &'a str,
    params: BTreeMap<String, Value>,
    overrides: &'a BTreeMap<String, String>,
    /// Parameters being resolved (a parameter whose default refers back to it is an error).
    resolving: std::cell::RefCell<Vec<String>>,
}

impl Cfn<'_> {
    fn cfn_scalar(
        &self,
        v: &Value,
        at: &str,
        line: Option<usize>,
    ) -> Result<Scalar, TemplateError> {
        let unsupported = |what: &str| {
            err(
                self.file,
                line,
                format!(
                    "{at}: cannot evaluate {what} offline; set the value for this function in faascope.toml instead"
                ),
            )
        };
        match v {
            Value::Null => Ok(Scalar::Absent),
            Value::Bool(b) => Ok(Scalar::Text(b.to_string())),
            Value::Number(n) => Ok(Scalar::Text(n.to_string())),
            Value::String(s) => Ok(Scalar::Text(s.clone())),
            Value::Tagged(t) => {
                if t.tag == "Ref" {
                    self.reference(&t.value, at, line)
                } else if t.tag == "Sub" {
                    self.sub(&t.value, at, line)
                } else {
                    Err(unsupported(&t.tag.to_string()))
                }
            }
            Value::Mapping(m) if m.len() == 1 => {
                if let Some(r) = m.get("Ref") {
                    self.reference(r, at, line)
                } else if let Some(s) = m.get("Fn::Sub") {
                    self.sub(s, at, line)
                } else {
                    let k = m
                        .keys()
                        .next()
                        .and_then(|k| k.as_str())
                        .unwrap_or("a mapping");
                    Err(unsupported(k))
                }
            }
            _ => Err(unsupported("a list or mapping")),
        }
    }

    fn param(&self, name: &str, at: &str, line: Option<usize>) -> Result<Scalar, TemplateError> {
        if let Some(v) = self.overrides.get(name) {
            return Ok(Scalar::Text(v.clone()));
        }
        if self.resolving.borrow().iter().any(|n| n == name) {
            return Err(err(
                self.file,
                line,
                format!("{at}: parameter `{name}` refers to itself through its Default; give its value under [template.parameters]"),
            ));
        }
        match self.params.get(name) {
            Some(p) => match get(p, "Default") {
                Some(d) => {
                    self.resolving.borrow_mut().push(name.to_string());
                    let r = self.scalar(d, &format!("Parameters.{name}.Default"), line);
                    self.resolving.borrow_mut().pop();
                    r
                }
                None => Err(err(
                    self.file,
                    line,
                    format!("{at}: parameter `{name}` has no Default; give its value in faascope.toml under [template.parameters]"),
                )),
            },
            None => Err(err(
                self.file,
                line,
                format!("{at}: `{name}` is not a parameter of the template (only parameter references can be resolved offline)"),
            )),
        }
    }

    fn reference(&self, v: &Value, at: &str, line: Option<usize>) -> Result<Scalar, TemplateError> {
        match v.as_str() {
            Some(name) => self.param(name, at, line),
            None => Err(err(self.file, line, format!("{at}: Ref needs a name"))),
        }
    }

    fn sub(&self, v: &Value, at: &str, line: Option<usize>) -> Result<Scalar, TemplateError> {
        let Some(s) = v.as_str() else {
            return Err(err(
                self.file,
                line,
                format!("{at}: only the one-string form of Sub can be evaluated offline; set the value in faascope.toml"),
            ));
        };
        let out = substitute(s, self.file, at, line, |var| {
            if let Some(v) = self.overrides.get(var) {
                Ok(v.clone())
            } else if self.params.contains_key(var) {
                match self.param(var, at, line)? {
                    Scalar::Text(t) => Ok(t),
                    Scalar::Absent => Ok(String::new()),
                }
            } else {
                Err(err(
                    self.file,
                    line,
                    format!("{at}: `${{{var}}}` in `{s}` is only known at deploy time; give it under [template.parameters] in faascope.toml (e.g. \"AWS::StackName\" = \"shop\")"),
                ))
            }
        })?;
        Ok(Scalar::Text(out))
    }

    /// Reads the function settings of one resource's properties, over the globals.
    fn function(
        &self,
        key: &str,
        props: &Value,
        globals: Option<&Value>,
        sam: bool,
    ) -> Result<TemplateFunction, TemplateError> {
        let line = line_of_key(self.text, key);
        let prop = |name: &str| get(props, name).or_else(|| globals.and_then(|g| get(g, name)));
        // The line of a property: in the resource's Properties, else in Globals.Function.
        let props_line = line_in_block(self.text, line, "Properties");
        let globals_line = line_in_block(self.text, line_of_key(self.text, "Globals"), "Function");
        let pl = |name: &str| {
            if get(props, name).is_some() || globals.is_none() {
                line_in_block(self.text, props_line, name).or(line)
            } else {
                line_in_block(self.text, globals_line, name).or(line)
            }
        };
        // Globals say `Globals.Function.X`, the resource's own `Resources.KEY.Properties.X`.
        let at = |name: &str| {
            if get(props, name).is_none() && globals.and_then(|g| get(g, name)).is_some() {
                format!("Globals.Function.{name} (for {key})")
            } else {
                format!("Resources.{key}.Properties.{name}")
            }
        };
        // A value that cannot be read is an error only if faascope.toml does not set it (see
        // `unresolved`; the name by a `[[functions]]` entry with `resource = "KEY"`).
        let mut un = Vec::new();
        let deployed_name = soft(
            &mut un,
            "name",
            self.text(
                get(props, "FunctionName"),
                &at("FunctionName"),
                pl("FunctionName"),
            ),
        );
        // A whole number in Lambda's range. Set neither on the resource nor in Globals, the
        // function deploys with Lambda's default (128 MB, 3 s: facts.md §3.4): the template's
        // value, not the memory older logs show (seventh-round ci review: a template without
        // Timeout gave no timeout, and one without MemorySize the logs' 3008 MB).
        let ranged = |un: &mut Vec<_>,
                      name: &str,
                      setting: &'static str,
                      range: (u32, u32),
                      unit: &str,
                      default: u32| {
            let Some(v) = prop(name) else {
                return Some(default);
            };
            let at = at(name);
            soft(
                un,
                setting,
                self.number(Some(v), &at, pl(name))
                    .and_then(|n| check_range(self.file, pl(name), &at, n, range, unit)),
            )
        };
        let memory_mb = ranged(
            &mut un,
            "MemorySize",
            "memory_mb",
            MEMORY_MB,
            "MB",
            LAMBDA_DEFAULT_MEMORY_MB,
        );
        let timeout_s = ranged(
            &mut un,
            "Timeout",
            "timeout_s",
            TIMEOUT_S,
            "s",
            LAMBDA_DEFAULT_TIMEOUT_S,
        );
        let arch = soft(
            &mut un,
            "arch",
            self.arch(
                prop("Architectures"),
                &at("Architectures"),
                pl("Architectures"),
            ),
        );
        let runtime = soft(
            &mut un,
            "runtime",
            self.text(prop("Runtime"), &at("Runtime"), pl("Runtime")),
        );
        let reserved_concurrency = soft(
            &mut un,
            "reserved_concurrency",
            self.number(
                prop("ReservedConcurrentExecutions"),
                &at("ReservedConcurrentExecutions"),
                pl("ReservedConcurrentExecutions"),
            ),
        );
        let mut f = TemplateFunction {
            file: self.file.to_path_buf(),
            line,
            key: key.to_string(),
            deployed_name,
            memory_mb,
            timeout_s,
            arch,
            runtime,
            reserved_concurrency,
            ..TemplateFunction::default()
        };
        if let Some(sn) = prop("SnapStart") {
            let apply_at = format!("{}.ApplyOn", at("SnapStart"));
            let apply_line = line_in_block(self.text, pl("SnapStart"), "ApplyOn");
            match self.text(get(sn, "ApplyOn"), &apply_at, apply_line) {
                Ok(apply) => f.snapstart = Some(apply.as_deref() == Some("PublishedVersions")),
                Err(e) => un.push(("snapstart", e)),
            }
        }
        if let Some(e) = prop("EphemeralStorage") {
            let eph_at = format!("{}.Size", at("EphemeralStorage"));
            let eph_line = line_in_block(self.text, pl("EphemeralStorage"), "Size");
            f.ephemeral_storage_mb = soft(
                &mut un,
                "ephemeral_storage_mb",
                self.number(get(e, "Size"), &eph_at, eph_line)
                    .and_then(|v| check_range(self.file, eph_line, &eph_at, v, EPHEMERAL_MB, "MB")),
            );
        }
        if sam {
            if let Some(pc) = prop("ProvisionedConcurrencyConfig") {
                f.provisioned_concurrency = soft(
                    &mut un,
                    "provisioned_concurrency",
                    self.number(
                        get(pc, "ProvisionedConcurrentExecutions"),
                        &format!(
                            "{}.ProvisionedConcurrentExecutions",
                            at("ProvisionedConcurrencyConfig")
                        ),
                        line_in_block(
                            self.text,
                            pl("ProvisionedConcurrencyConfig"),
                            "ProvisionedConcurrentExecutions",
                        ),
                    ),
                );
            }
        }
        f.unresolved = un;
        let package = self.text(prop("PackageType"), &at("PackageType"), pl("PackageType"))?;
        f.package = Some(package_type(package.as_deref(), f.runtime.as_deref()));
        Ok(f)
    }
}

/// `Image` packages and `provided.*` runtimes always pay INIT; others are ZIP on a managed runtime.
pub fn package_type(package: Option<&str>, runtime: Option<&str>) -> PackageType {
    if package.is_some_and(|p| p.eq_ignore_ascii_case("image")) {
        PackageType::ContainerImage
    } else if runtime.is_some_and(|r| r.starts_with("provided")) {
        PackageType::CustomRuntime
    } else {
        PackageType::ManagedRuntimeZip
    }
}

/// Reads a SAM or CloudFormation template. `parameters` override the template's parameter
/// defaults (and give pseudo parameters such as `AWS::StackName`).
pub fn read_sam(
    file: &Path,
    parameters: &BTreeMap<String, String>,
) -> Result<Vec<TemplateFunction>, TemplateError> {
    let (text, doc) = read(file)?;
    let Some(resources) = get(&doc, "Resources") else {
        return Err(err(
            file,
            None,
            "no `Resources` section: this is not a SAM or CloudFormation template",
        ));
    };
    let Value::Mapping(resources) = resources else {
        return Err(err(
            file,
            line_of_key(&text, "Resources"),
            "`Resources` is not a mapping",
        ));
    };
    let params: BTreeMap<String, Value> = match get(&doc, "Parameters") {
        Some(Value::Mapping(m)) => m
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
            .collect(),
        _ => BTreeMap::new(),
    };
    let cfn = Cfn {
        file,
        text: &text,
        params,
        overrides: parameters,
        resolving: Default::default(),
    };
    let globals = get(&doc, "Globals").and_then(|g| get(g, "Function"));
    let mut out: Vec<TemplateFunction> = Vec::new();
    let mut pcs: Vec<(String, u32, Option<usize>)> = Vec::new();
    for (k, res) in resources {
        let Some(key) = k.as_str() else { continue };
        let ty = get(res, "Type").and_then(|t| t.as_str()).unwrap_or("");
        let empty = Value::Mapping(Default::default());
        let props = get(res, "Properties").unwrap_or(&empty);
        match ty {
            "AWS::Serverless::Function" => out.push(cfn.function(key, props, globals, true)?),
            "AWS::Lambda::Function" => out.push(cfn.function(key, props, None, false)?),
            "AWS::Lambda::Alias" | "AWS::Lambda::Version" => {
                let line = line_of_key(&text, key);
                let Some(pc) = get(props, "ProvisionedConcurrencyConfig") else {
                    continue;
                };
                let at = format!("Resources.{key}.Properties.ProvisionedConcurrencyConfig");
                let n = cfn
                    .number(
                        get(pc, "ProvisionedConcurrentExecutions"),
                        &format!("{at}.ProvisionedConcurrentExecutions"),
                        line,
                    )?
                    .unwrap_or(0);
                let target = match get(props, "FunctionName") {
                    Some(Value::Tagged(t)) if t.tag == "Ref" => t.value.as_str().map(String::from),
                    Some(Value::Mapping(m)) => {
                        m.get("Ref").and_then(|r| r.as_str()).map(String::from)
                    }
                    Some(Value::String(s)) => Some(s.clone()),
                    _ => None,
                };
                let Some(target) = target else {
                    return Err(err(
                        file,
                        line,
                        format!("Resources.{key}.Properties.FunctionName: expected !Ref to a function of the template"),
                    ));
                };
                pcs.push((target, n, line));
            }
            _ => {}
        }
    }
    for (target, n, line) in pcs {
        let f = out
            .iter_mut()
            .find(|f| f.key == target || f.deployed_name.as_deref() == Some(&target))
            .ok_or_else(|| {
                err(
                    file,
                    line,
                    format!("provisioned concurrency points at `{target}`, which is not a function of this template"),
                )
            })?;
        f.provisioned_concurrency = Some(f.provisioned_concurrency.unwrap_or(0) + n);
    }
    if out.is_empty() {
        return Err(err(
            file,
            None,
            "no AWS::Serverless::Function or AWS::Lambda::Function resources in the template",
        ));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Serverless Framework
// ---------------------------------------------------------------------------------------------

struct Sls<'a> {
    file: &'a Path,
    doc: &'a Value,
    stage: String,
    /// `--stage` as given (what `${opt:stage}` means); `None` falls back.
    cli_stage: Option<String>,
    region: Option<String>,
}

impl Sls<'_> {
    fn resolve(
        &self,
        v: &Value,
        at: &str,
        line: Option<usize>,
        depth: u32,
    ) -> Result<Scalar, TemplateError> {
        match v {
            Value::Null => Ok(Scalar::Absent),
            Value::Bool(b) => Ok(Scalar::Text(b.to_string())),
            Value::Number(n) => Ok(Scalar::Text(n.to_string())),
            Value::String(s) => self.interpolate(s, at, line, depth).map(Scalar::Text),
            _ => Err(err(
                self.file,
                line,
                format!("{at}: expected a single value, found a list or mapping"),
            )),
        }
    }

    fn interpolate(
        &self,
        s: &str,
        at: &str,
        line: Option<usize>,
        depth: u32,
    ) -> Result<String, TemplateError> {
        if depth > 10 {
            return Err(err(
                self.file,
                line,
                format!("{at}: variables nest too deep (a cycle?)"),
            ));
        }
        substitute(s, self.file, at, line, |inner| {
            self.variable(inner, at, line, depth)
        })
    }

    fn variable(
        &self,
        inner: &str,
        at: &str,
        line: Option<usize>,
        depth: u32,
    ) -> Result<String, TemplateError> {
        let (var, fallback) = match inner.split_once(',') {
            Some((v, f)) => (
                v.trim(),
                Some(f.trim().trim_matches(|c| c == '\'' || c == '"')),
            ),
            None => (inner.trim(), None),
        };
        let found: Option<String> = if let Some(path) = var.strip_prefix("self:") {
            let mut cur = self.doc;
            let mut ok = true;
            for seg in path.split('.') {
                match get(cur, seg) {
                    Some(n) => cur = n,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                match self.resolve(cur, &format!("self:{path}"), line, depth + 1)? {
                    Scalar::Text(t) => Some(t),
                    Scalar::Absent => None,
                }
            } else {
                None
            }
        } else if var == "opt:stage" {
            self.cli_stage.clone()
        } else if var == "sls:stage" {
            Some(self.stage.clone())
        } else if var == "opt:region" || var == "aws:region" {
            self.region.clone()
        } else {
            None
        };
        match (found, fallback) {
            (Some(v), _) => Ok(v),
            (None, Some(f)) if f.contains("${") => self.interpolate(f, at, line, depth + 1),
            (None, Some(f)) if !f.contains(':') => Ok(f.to_string()),
            (None, Some(f)) => self.variable(f, at, line, depth + 1),
            (None, None) => Err(err(
                self.file,
                line,
                format!("{at}: variable `${{{var}}}` cannot be resolved offline; give a fallback (`${{{var}, VALUE}}`) or set the value in faascope.toml"),
            )),
        }
    }
}

/// Reads a Serverless Framework `serverless.yml`. `stage` overrides `provider.stage` (default
/// `dev`, as the framework's).
pub fn read_serverless(
    file: &Path,
    stage: Option<&str>,
) -> Result<Vec<TemplateFunction>, TemplateError> {
    let (text, doc) = read(file)?;
    let Some(functions) = get(&doc, "functions") else {
        return Err(err(
            file,
            None,
            "no `functions` section: this is not a Serverless Framework file",
        ));
    };
    let provider = get(&doc, "provider").cloned().unwrap_or(Value::Null);
    if let Some(name) = get(&provider, "name").and_then(|n| n.as_str()) {
        if name != "aws" {
            return Err(err(
                file,
                line_of_key(&text, "provider"),
                format!("provider.name is `{name}`; only aws functions can be priced here"),
            ));
        }
    }
    let mut sls = Sls {
        file,
        doc: &doc,
        stage: stage.unwrap_or("dev").into(),
        cli_stage: stage.map(String::from),
        region: None,
    };
    let pline = line_of_key(&text, "provider");
    let provider_stage = sls.text(get(&provider, "stage"), "provider.stage", pline)?;
    sls.stage = stage
        .map(String::from)
        .or(provider_stage)
        .unwrap_or_else(|| "dev".into());
    sls.region = sls.text(get(&provider, "region"), "provider.region", pline)?;
    let service = match get(&doc, "service") {
        Some(Value::Mapping(m)) => m.get("name").cloned(),
        other => other.cloned(),
    };
    let service = sls.text(service.as_ref(), "service", line_of_key(&text, "service"))?;
    let p_line = |key: &str| line_in_block(&text, pline, key);
    // The provider's defaults, or why they cannot be read: a function that sets its own (or
    // whose faascope.toml entry does) needs none.
    let d_memory = sls
        .number(
            get(&provider, "memorySize"),
            "provider.memorySize",
            p_line("memorySize"),
        )
        .and_then(|v| {
            check_range(
                file,
                p_line("memorySize"),
                "provider.memorySize",
                v,
                MEMORY_MB,
                "MB",
            )
        });
    let d_timeout = sls
        .number(
            get(&provider, "timeout"),
            "provider.timeout",
            p_line("timeout"),
        )
        .and_then(|v| {
            check_range(
                file,
                p_line("timeout"),
                "provider.timeout",
                v,
                TIMEOUT_S,
                "s",
            )
        });
    // Neither the function nor `provider` setting them: the framework's own defaults.
    let d_memory = d_memory.map(|v| v.or(Some(SERVERLESS_DEFAULT_MEMORY_MB)));
    let d_timeout = d_timeout.map(|v| v.or(Some(SERVERLESS_DEFAULT_TIMEOUT_S)));
    let d_arch = sls.arch(
        get(&provider, "architecture"),
        "provider.architecture",
        pline,
    );
    let d_runtime = sls.text(get(&provider, "runtime"), "provider.runtime", pline);
    let d_eph = sls
        .number(
            get(&provider, "ephemeralStorageSize"),
            "provider.ephemeralStorageSize",
            p_line("ephemeralStorageSize"),
        )
        .and_then(|v| {
            check_range(
                file,
                p_line("ephemeralStorageSize"),
                "provider.ephemeralStorageSize",
                v,
                EPHEMERAL_MB,
                "MB",
            )
        });
    let Value::Mapping(functions) = functions else {
        return Err(err(
            file,
            line_of_key(&text, "functions"),
            "`functions` is not a mapping",
        ));
    };
    let mut out = Vec::new();
    for (k, f) in functions {
        let Some(key) = k.as_str() else { continue };
        let line = line_in_block(&text, line_of_key(&text, "functions"), key)
            .or_else(|| line_of_key(&text, key));
        let at = |p: &str| format!("functions.{key}.{p}");
        let fl = |p: &str| line_in_block(&text, line, p);
        let checked = |p: &str, v: Option<u32>, range: (u32, u32), unit: &str| {
            check_range(file, fl(p), &at(p), v, range, unit)
        };
        let mut un = Vec::new();
        let deployed = match sls.text(get(f, "name"), &at("name"), line) {
            Ok(explicit) => {
                explicit.or_else(|| service.as_ref().map(|s| format!("{s}-{}-{key}", sls.stage)))
            }
            // Not the default name: the file names it otherwise (`resource = "KEY"` and `name`
            // in faascope.toml take its place).
            Err(e) => soft(&mut un, "name", Err(e)),
        };
        // `snapStart: true`, or a variable that resolves to it (read as off without a word
        // before: sixth-round CI verification).
        let snapstart = match get(f, "snapStart") {
            None => None,
            Some(v) => soft(
                &mut un,
                "snapstart",
                sls.text(Some(v), &at("snapStart"), fl("snapStart"))
                    .and_then(|t| match t.as_deref().map(str::trim) {
                        None => Ok(None),
                        Some("true") => Ok(Some(true)),
                        Some("false") => Ok(Some(false)),
                        Some(other) => Err(err(
                            file,
                            fl("snapStart").or(line),
                            format!("{}: `{other}` is not true or false", at("snapStart")),
                        )),
                    }),
            ),
        };
        let runtime = soft(
            &mut un,
            "runtime",
            or_default(
                sls.text(get(f, "runtime"), &at("runtime"), line),
                &d_runtime,
            ),
        );
        let memory_mb = soft(
            &mut un,
            "memory_mb",
            or_default(
                sls.number(get(f, "memorySize"), &at("memorySize"), fl("memorySize"))
                    .and_then(|v| checked("memorySize", v, MEMORY_MB, "MB")),
                &d_memory,
            ),
        );
        let timeout_s = soft(
            &mut un,
            "timeout_s",
            or_default(
                sls.number(get(f, "timeout"), &at("timeout"), fl("timeout"))
                    .and_then(|v| checked("timeout", v, TIMEOUT_S, "s")),
                &d_timeout,
            ),
        );
        let arch = soft(
            &mut un,
            "arch",
            or_default(
                sls.arch(get(f, "architecture"), &at("architecture"), line),
                &d_arch,
            ),
        );
        let provisioned_concurrency = soft(
            &mut un,
            "provisioned_concurrency",
            sls.number(
                get(f, "provisionedConcurrency"),
                &at("provisionedConcurrency"),
                line,
            ),
        );
        let reserved_concurrency = soft(
            &mut un,
            "reserved_concurrency",
            sls.number(
                get(f, "reservedConcurrency"),
                &at("reservedConcurrency"),
                line,
            ),
        );
        let ephemeral_storage_mb = soft(
            &mut un,
            "ephemeral_storage_mb",
            or_default(
                sls.number(
                    get(f, "ephemeralStorageSize"),
                    &at("ephemeralStorageSize"),
                    fl("ephemeralStorageSize"),
                )
                .and_then(|v| checked("ephemeralStorageSize", v, EPHEMERAL_MB, "MB")),
                &d_eph,
            ),
        );
        let image = get(f, "image").is_some();
        out.push(TemplateFunction {
            file: file.to_path_buf(),
            line,
            key: key.to_string(),
            // `snapStart: true` (the Serverless Framework's function setting).
            snapstart,
            deployed_name: deployed,
            memory_mb,
            timeout_s,
            arch,
            region: sls.region.clone(),
            provisioned_concurrency,
            reserved_concurrency,
            ephemeral_storage_mb,
            package: Some(package_type(image.then_some("Image"), runtime.as_deref())),
            runtime,
            unresolved: un,
        });
    }
    if out.is_empty() {
        return Err(err(
            file,
            line_of_key(&text, "functions"),
            "`functions` is empty",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    #[test]
    fn sam_globals_refs_and_aliases() {
        let (_d, p) = write(
            "template.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nParameters:\n  Mem:\n    Type: Number\n    Default: 768\n  Stage:\n    Type: String\n    Default: prod\nGlobals:\n  Function:\n    Timeout: 10\n    Runtime: python3.12\n    Architectures: [arm64]\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: !Sub 'orders-${Stage}'\n      MemorySize: !Ref Mem\n      AutoPublishAlias: live\n      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 3\n  Legacy:\n    Type: AWS::Lambda::Function\n    Properties:\n      MemorySize: 3008\n      Timeout: 60\n      Runtime: provided.al2023\n      EphemeralStorage: {Size: 2048}\n  LegacyAlias:\n    Type: AWS::Lambda::Alias\n    Properties:\n      FunctionName: !Ref Legacy\n      FunctionVersion: '1'\n      Name: live\n      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 2\n  Bucket:\n    Type: AWS::S3::Bucket\n",
        );
        let fs = read_sam(&p, &BTreeMap::new()).unwrap();
        assert_eq!(fs.len(), 2);
        let api = &fs[0];
        assert_eq!(api.deployed_name.as_deref(), Some("orders-prod"));
        assert_eq!(api.memory_mb, Some(768));
        assert_eq!(api.timeout_s, Some(10));
        assert_eq!(api.arch, Some(Arch::Arm64));
        assert_eq!(api.provisioned_concurrency, Some(3));
        assert_eq!(api.line, Some(16));
        let legacy = &fs[1];
        assert_eq!(legacy.arch, None);
        assert_eq!(legacy.timeout_s, Some(60));
        assert_eq!(legacy.ephemeral_storage_mb, Some(2048));
        assert_eq!(legacy.provisioned_concurrency, Some(2));
        assert_eq!(legacy.package, Some(PackageType::CustomRuntime));
        let mut over = BTreeMap::new();
        over.insert("Mem".to_string(), "1536".to_string());
        assert_eq!(read_sam(&p, &over).unwrap()[0].memory_mb, Some(1536));
    }

    /// The first setting of the first function that could not be read, and why.
    pub(super) fn unresolved(
        fs: Result<Vec<TemplateFunction>, TemplateError>,
    ) -> (&'static str, TemplateError) {
        let fs = fs.expect("the file reads, its unreadable settings kept");
        fs[0].unresolved.first().cloned().expect("a setting unread")
    }

    #[test]
    fn sam_errors_name_the_place() {
        let (_d, p) = write(
            "t.yaml",
            "Resources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: !If [Big, 1024, 128]\n",
        );
        // Kept as the setting's (faascope.toml may set it), not the file's error.
        let (setting, e) = unresolved(read_sam(&p, &BTreeMap::new()));
        assert_eq!(setting, "memory_mb");
        let e = e.to_string();
        // The property's own line.
        assert!(e.contains("t.yaml:5"), "{e}");
        assert!(e.contains("Resources.Api.Properties.MemorySize"), "{e}");
        assert!(e.contains("!If"), "{e}");
        let (_d2, p2) = write("bad.yaml", "Resources:\n  Api: [unclosed\n");
        let e = read_sam(&p2, &BTreeMap::new()).unwrap_err();
        assert!(e.line.is_some(), "{e}");
        let (_d3, p3) = write("x.yaml", "service: nope\n");
        assert!(read_sam(&p3, &BTreeMap::new())
            .unwrap_err()
            .to_string()
            .contains("Resources"));
    }

    #[test]
    fn review_cases_cycles_nesting_and_region() {
        let (_d, p) = write(
            "t.yaml",
            "Parameters:\n  Mem: {Type: Number, Default: !Ref Mem}\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: !Ref Mem\n",
        );
        let e = unresolved(read_sam(&p, &BTreeMap::new())).1.to_string();
        assert!(e.contains("refers to itself"), "{e}");
        let (_d2, p2) = write(
            "serverless.yml",
            "service: shop\ncustom:\n  stage: prod\nprovider:\n  name: aws\n  region: eu-west-1\n  stage: ${opt:stage, ${self:custom.stage}}\nfunctions:\n  orders:\n    handler: h\n",
        );
        let f = &read_serverless(&p2, None).unwrap()[0];
        assert_eq!(f.deployed_name.as_deref(), Some("shop-prod-orders"));
        assert_eq!(f.region.as_deref(), Some("eu-west-1"));
        let f = &read_serverless(&p2, Some("qa")).unwrap()[0];
        assert_eq!(f.deployed_name.as_deref(), Some("shop-qa-orders"));
    }

    /// Sixth-round CI verification: a Serverless `snapStart` given by a variable (even with a
    /// `true` fallback) was read as off without a word.
    #[test]
    fn serverless_snapstart_by_variable_is_resolved_or_unresolved() {
        let run = |v: &str| {
            let (_d, p) = write(
                "serverless.yml",
                &format!("service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h\n    snapStart: {v}\n"),
            );
            read_serverless(&p, None)
        };
        assert_eq!(run("true").unwrap()[0].snapstart, Some(true));
        assert_eq!(
            run("${env:FAASCOPE_NO_SUCH_VAR, true}").unwrap()[0].snapstart,
            Some(true)
        );
        assert_eq!(run("'false'").unwrap()[0].snapstart, Some(false));
        let (setting, e) = unresolved(run("${ssm:/snap}"));
        assert_eq!(setting, "snapstart");
        assert!(e.to_string().contains("functions.f.snapStart"), "{e}");
        let (setting, e) = unresolved(run("maybe"));
        assert_eq!(setting, "snapstart");
        assert!(e.to_string().contains("not true or false"), "{e}");
    }

    /// Seventh-round ci review: a SAM function without `MemorySize` or `Timeout` (on itself or
    /// in Globals) deploys at Lambda's defaults, 128 MB and 3 s; it read as unset (no timeout,
    /// and the memory older logs showed). Globals still give theirs.
    #[test]
    fn a_sam_function_without_memory_or_timeout_takes_lambdas_defaults() {
        let (_d, p) = write(
            "template.yaml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Plain:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n  Sized:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n      MemorySize: 1024\n      Timeout: 30\n",
        );
        let fs = read_sam(&p, &BTreeMap::new()).unwrap();
        assert_eq!((fs[0].memory_mb, fs[0].timeout_s), (Some(128), Some(3)));
        assert_eq!((fs[1].memory_mb, fs[1].timeout_s), (Some(1024), Some(30)));
        let (_d, p) = write(
            "template.yaml",
            "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    MemorySize: 512\n    Timeout: 10\nResources:\n  Plain:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n",
        );
        let fs = read_sam(&p, &BTreeMap::new()).unwrap();
        assert_eq!((fs[0].memory_mb, fs[0].timeout_s), (Some(512), Some(10)));
    }

    /// Seventh-round ci review: a Serverless Framework function without `memorySize` or
    /// `timeout` (on itself or under `provider`) deploys at the framework's defaults, 1024 MB
    /// and 6 s; it was "memory_mb is not known". `provider` still gives its own.
    #[test]
    fn a_serverless_function_without_memory_or_timeout_takes_the_frameworks_defaults() {
        let (_d, p) = write(
            "serverless.yml",
            "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  plain:\n    handler: h\n  sized:\n    handler: h\n    memorySize: 256\n    timeout: 30\n",
        );
        let fs = read_serverless(&p, None).unwrap();
        assert_eq!((fs[0].memory_mb, fs[0].timeout_s), (Some(1024), Some(6)));
        assert_eq!((fs[1].memory_mb, fs[1].timeout_s), (Some(256), Some(30)));
        let (_d, p) = write(
            "serverless.yml",
            "service: s\nprovider:\n  name: aws\n  memorySize: 512\n  timeout: 10\nfunctions:\n  plain:\n    handler: h\n",
        );
        let fs = read_serverless(&p, None).unwrap();
        assert_eq!((fs[0].memory_mb, fs[0].timeout_s), (Some(512), Some(10)));
    }

    #[test]
    fn serverless_variables_and_defaults() {
        let (_d, p) = write(
            "serverless.yml",
            "service: shop\ncustom:\n  bigMemory: 2048\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  stage: ${opt:stage, 'prod'}\n  region: eu-west-1\n  memorySize: 512\n  timeout: 6\n  architecture: arm64\nfunctions:\n  orders:\n    handler: src/orders.handler\n    provisionedConcurrency: 2\n  thumbs:\n    handler: src/thumbs.handler\n    name: legacy-thumbnailer\n    memorySize: ${self:custom.bigMemory}\n    timeout: ${env:THUMB_TIMEOUT, 30}\n    architecture: x86_64\n    ephemeralStorageSize: 1024\n",
        );
        let fs = read_serverless(&p, None).unwrap();
        assert_eq!(fs[0].deployed_name.as_deref(), Some("shop-prod-orders"));
        assert_eq!(fs[0].memory_mb, Some(512));
        assert_eq!(fs[0].arch, Some(Arch::Arm64));
        assert_eq!(fs[0].provisioned_concurrency, Some(2));
        assert_eq!(fs[1].deployed_name.as_deref(), Some("legacy-thumbnailer"));
        assert_eq!(fs[1].memory_mb, Some(2048));
        assert_eq!(fs[1].timeout_s, Some(30));
        assert_eq!(fs[1].arch, Some(Arch::X86_64));
        assert_eq!(fs[1].ephemeral_storage_mb, Some(1024));
        assert_eq!(
            read_serverless(&p, Some("dev")).unwrap()[0]
                .deployed_name
                .as_deref(),
            Some("shop-dev-orders")
        );
        let (_d2, p2) = write(
            "serverless.yml",
            "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h\n    memorySize: ${ssm:/mem}\n",
        );
        let (setting, e) = unresolved(read_serverless(&p2, None));
        assert_eq!(setting, "memory_mb");
        let e = e.to_string();
        assert!(e.contains("functions.f.memorySize"), "{e}");
        assert!(e.contains("ssm:/mem"), "{e}");
    }
}

#[cfg(test)]
mod range_tests {
    use super::tests::unresolved;
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    const SAM: &str = "Parameters:\n  Mem:\n    Type: Number\n    Default: MEM\nGlobals:\n  Function:\n    Timeout: GTIMEOUT\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: h\n      MemorySize: !Ref Mem\n      TIMEOUT\n      EphemeralStorage:\n        Size: EPH\n";

    fn sam(
        mem: &str,
        gtimeout: &str,
        timeout: &str,
        eph: &str,
    ) -> Result<Vec<TemplateFunction>, TemplateError> {
        let text = SAM
            .replace("GTIMEOUT", gtimeout)
            .replace("TIMEOUT", timeout)
            .replace("MEM", mem)
            .replace("EPH", eph);
        let (_d, p) = write("template.yaml", &text);
        read_sam(&p, &BTreeMap::new())
    }

    /// Memory, timeout and ephemeral storage outside Lambda's ranges are errors naming the
    /// template, the property's line and the range.
    #[test]
    fn sam_values_outside_lambdas_ranges_name_the_line_and_the_range() {
        let ok = sam("1024", "30", "Timeout: 900", "512").unwrap();
        assert_eq!(ok[0].memory_mb, Some(1024));
        assert_eq!(ok[0].timeout_s, Some(900));
        let e = unresolved(sam("99999", "30", "Timeout: 10", "512")).1;
        assert_eq!(e.line, Some(13), "{e}");
        let m = e.to_string();
        assert!(m.contains("template.yaml:13"), "{m}");
        assert!(
            m.contains("Resources.Api.Properties.MemorySize = 99999"),
            "{m}"
        );
        assert!(m.contains("128..=10240 MB"), "{m}");
        let e = unresolved(sam("64", "30", "Timeout: 10", "512"))
            .1
            .to_string();
        assert!(
            e.contains("MemorySize = 64") && e.contains("128..=10240"),
            "{e}"
        );
        for t in ["0", "901", "1000000"] {
            let e = unresolved(sam("1024", "30", &format!("Timeout: {t}"), "512")).1;
            assert_eq!(e.line, Some(14), "{e}");
            let m = e.to_string();
            assert!(m.contains(&format!("Properties.Timeout = {t}")), "{m}");
            assert!(m.contains("1..=900 s"), "{m}");
        }
        // From Globals: the Globals line.
        let e = unresolved(sam("1024", "0", "Runtime: python3.12", "512")).1;
        assert_eq!(e.line, Some(7), "{e}");
        assert!(
            e.to_string()
                .contains("Globals.Function.Timeout (for Api) = 0"),
            "{e}"
        );
        let (setting, e) = unresolved(sam("1024", "30", "Timeout: 10", "20000"));
        assert_eq!(setting, "ephemeral_storage_mb");
        assert_eq!(e.line, Some(16), "{e}");
        assert!(e.to_string().contains("512..=10240 MB"), "{e}");
    }

    #[test]
    fn serverless_values_outside_lambdas_ranges_name_the_line_and_the_range() {
        let text = "service: s\nprovider:\n  name: aws\n  timeout: PT\nfunctions:\n  a:\n    handler: h\n    memorySize: MEM\n    timeout: FT\n";
        let run = |pt: &str, mem: &str, ft: &str| {
            let (_d, p) = write(
                "serverless.yml",
                &text.replace("PT", pt).replace("MEM", mem).replace("FT", ft),
            );
            read_serverless(&p, None)
        };
        assert_eq!(run("6", "1024", "30").unwrap()[0].timeout_s, Some(30));
        // The provider's default, where a function takes it (one with its own does not).
        assert_eq!(run("0", "1024", "30").unwrap()[0].timeout_s, Some(30));
        let (setting, e) = unresolved(run("0", "1024", ""));
        assert_eq!(setting, "timeout_s");
        assert_eq!(e.line, Some(4), "{e}");
        assert!(
            e.to_string()
                .contains("provider.timeout = 0 is outside Lambda's 1..=900 s"),
            "{e}"
        );
        let e = unresolved(run("6", "20000", "30")).1;
        assert_eq!(e.line, Some(8), "{e}");
        assert!(
            e.to_string().contains("functions.a.memorySize = 20000"),
            "{e}"
        );
        let e = unresolved(run("6", "1024", "901")).1;
        assert_eq!(e.line, Some(9), "{e}");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn fragments() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("Resources:\n".to_string()),
            Just("  Fn:\n    Type: AWS::Serverless::Function\n".to_string()),
            Just("    Properties:\n".to_string()),
            Just("      MemorySize: !Ref Mem\n".to_string()),
            Just("      MemorySize: ${self:custom.m}\n".to_string()),
            Just("      Timeout: !Sub '${X}'\n".to_string()),
            Just("functions:\n  f:\n    memorySize: 99999999999\n".to_string()),
            Just("provider:\n  name: aws\n  stage: ${opt:stage, ${sls:stage}}\n".to_string()),
            Just("Parameters:\n  Mem: {Default: !Ref Mem}\n".to_string()),
            Just("custom:\n  m: ${self:custom.m}\n".to_string()),
            "[ -~\n]{0,40}",
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Any text, including self-referencing parameters and variables, gives settings or an
        /// error: never a panic or a hang.
        #[test]
        fn templates_never_panic(text in fragments()) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("t.yaml");
            std::fs::write(&p, &text).unwrap();
            let _ = read_sam(&p, &BTreeMap::new());
            let _ = read_serverless(&p, None);
        }
    }
}
