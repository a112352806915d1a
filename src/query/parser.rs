//! Recursive-descent parser over the query text (see the module docs for why by hand).
//!
//! Precedence, loosest first: `or`; `and`; `not`; comparisons (`=`, `!=`, `<`, `<=`, `>`, `>=`,
//! `like`, `not like`, `=~`, `in`, `not in`); `+ -`; `* / %`; `^` (right-associative); unary
//! minus; operands.

use super::{
    function, BinOp, Command, CommandKind, Expr, ExprKind, FnKind, Item, ParsePattern, Period,
    PeriodUnit, Query, QueryError, SortKey,
};

type Result<T> = std::result::Result<T, QueryError>;

/// Commands of Logs Insights that faascope does not run over local data.
const UNSUPPORTED_COMMANDS: &[&str] = &[
    "pattern",
    "diff",
    "anomaly",
    "unmask",
    "unnest",
    "lookup",
    "filterindex",
    "addtotals",
    "source",
];

const COMMANDS: &[&str] = &[
    "fields", "display", "filter", "parse", "stats", "sort", "limit", "dedup",
];

/// Parses a query. Comments (`#` to the end of the line) and blank lines are allowed anywhere.
pub fn parse(text: &str) -> Result<Query> {
    let mut p = Parser {
        s: text,
        i: 0,
        nesting: 0,
    };
    let mut commands = Vec::new();
    p.skip_ws();
    if p.at_end() {
        return Err(QueryError::new(0, "the query is empty").hint(
            "start with a command, e.g. `filter @type = \"REPORT\" | stats count(*) by function`",
        ));
    }
    loop {
        p.skip_ws();
        if p.at_end() {
            return Err(QueryError::new(p.i, "expected a command after `|`")
                .hint("remove the trailing `|` or add a command after it"));
        }
        commands.push(p.command()?);
        p.skip_ws();
        if p.at_end() {
            break;
        }
        if !p.eat("|") {
            return Err(
                QueryError::new(p.i, format!("unexpected {}", p.describe_here()))
                    .hint("commands are separated by `|`; check for a missing operator or comma"),
            );
        }
    }
    check_dedup_last(&commands)?;
    check_two_stats(&commands)?;
    Ok(Query { commands })
}

/// Logs Insights runs at most two `stats` in a query.
fn check_two_stats(commands: &[Command]) -> Result<()> {
    if let Some(c) = commands
        .iter()
        .filter(|c| matches!(c.kind, CommandKind::Stats { .. }))
        .nth(2)
    {
        return Err(
            QueryError::new(c.pos, "a query may have at most two `stats` commands")
                .hint("combine the aggregates into fewer `stats` (as Logs Insights requires)"),
        );
    }
    Ok(())
}

fn check_dedup_last(commands: &[Command]) -> Result<()> {
    if let Some(i) = commands
        .iter()
        .position(|c| matches!(c.kind, CommandKind::Dedup(_)))
    {
        if let Some(c) = commands[i + 1..]
            .iter()
            .find(|c| !matches!(c.kind, CommandKind::Limit(_)))
        {
            return Err(QueryError::new(c.pos, "only `limit` may follow `dedup`")
                .hint("move `dedup` to the end of the query"));
        }
    }
    Ok(())
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
    /// Levels of parentheses, calls, `not`, unary minus and `^` open at the current position.
    nesting: usize,
}

/// Limits that keep an expression within what the parser and the planner (both recursive,
/// like the expression trees they walk) handle on the main thread's stack; written queries use a
/// handful of levels. A longer list of alternatives is what `in [...]` is for.
const MAX_NESTING: usize = 64;
/// Operators of one chain (`a or b or c ...`, `a + b + c ...`).
const MAX_CHAIN: usize = 256;
/// Levels of the whole expression tree (a longest chain of comparisons fits).
const MAX_DEPTH: usize = 320;

/// The depth of an expression tree, counted without recursion (the tree may be too deep for it).
fn tree_depth(e: &Expr) -> usize {
    let mut max = 0;
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        max = max.max(d);
        let mut children = Vec::new();
        e.children(&mut children);
        stack.extend(children.into_iter().map(|x| (x, d + 1)));
    }
    max
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '@' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '@' || c == '.' || c == '$'
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips whitespace and `#` comments.
    fn skip_ws(&mut self) {
        loop {
            let r = self.rest();
            let t = r.trim_start();
            self.i += r.len() - t.len();
            if t.starts_with('#') {
                self.i += t.find('\n').unwrap_or(t.len());
            } else {
                return;
            }
        }
    }

    /// Consumes `tok` (after whitespace) if it is next.
    fn eat(&mut self, tok: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(tok) {
            self.i += tok.len();
            true
        } else {
            false
        }
    }

    /// The identifier-like word at the cursor (after whitespace), without consuming it.
    fn peek_word(&mut self) -> Option<&'a str> {
        self.skip_ws();
        let r = self.rest();
        let c = r.chars().next()?;
        if !is_ident_start(c) {
            return None;
        }
        let end = r.find(|c: char| !is_ident_char(c)).unwrap_or(r.len());
        Some(&r[..end])
    }

    /// Consumes the keyword `kw` (case-insensitive, whole word) if it is next.
    fn eat_keyword(&mut self, kw: &str) -> bool {
        match self.peek_word() {
            Some(w) if w.eq_ignore_ascii_case(kw) => {
                self.i += w.len();
                true
            }
            _ => false,
        }
    }

    fn describe_here(&mut self) -> String {
        self.skip_ws();
        match self.peek() {
            None => "end of the query".into(),
            Some(_) => {
                let snippet: String = self
                    .rest()
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(20)
                    .collect();
                format!("`{snippet}`")
            }
        }
    }

    fn expect(&mut self, tok: &str, what: &str) -> Result<()> {
        if self.eat(tok) {
            Ok(())
        } else {
            let here = self.describe_here();
            Err(QueryError::new(
                self.i,
                format!("expected `{tok}` {what}, found {here}"),
            ))
        }
    }

    fn command(&mut self) -> Result<Command> {
        self.skip_ws();
        let pos = self.i;
        let Some(word) = self.peek_word() else {
            let here = self.describe_here();
            return Err(
                QueryError::new(pos, format!("expected a command, found {here}"))
                    .hint(format!("commands: {}", COMMANDS.join(", "))),
            );
        };
        let lower = word.to_ascii_lowercase();
        self.i += word.len();
        let kind = match lower.as_str() {
            "fields" => CommandKind::Fields(self.items("fields", true)?),
            "display" => CommandKind::Display(self.field_list("display")?),
            "filter" => {
                let e = self.expr()?;
                self.no_aggregate(&e, "filter")?;
                CommandKind::Filter(e)
            }
            "parse" => self.parse_command()?,
            "stats" => self.stats()?,
            "sort" => {
                self.eat_keyword("by");
                let mut keys = Vec::new();
                loop {
                    let expr = self.expr()?;
                    self.no_aggregate(&expr, "sort")?;
                    let descending = if self.eat_keyword("desc") {
                        true
                    } else {
                        self.eat_keyword("asc");
                        false
                    };
                    // Nothing but `,` or `|` may follow a key and its order.
                    if let Some(w) = self.peek_word() {
                        return Err(QueryError::new(
                            self.i,
                            format!("`{w}`: a sort order is `asc` or `desc`"),
                        )
                        .hint("separate keys with `,` and commands with `|`"));
                    }
                    keys.push(SortKey { expr, descending });
                    if !self.eat(",") {
                        break;
                    }
                }
                CommandKind::Sort(keys)
            }
            "limit" => {
                self.skip_ws();
                let at = self.i;
                let digits: String = self
                    .rest()
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let n: u64 = digits.parse().map_err(|_| {
                    QueryError::new(at, "`limit` takes a whole number of rows")
                        .hint("e.g. `limit 20`")
                })?;
                self.i += digits.len();
                if self.rest().starts_with('.') || self.rest().starts_with(['e', 'E']) {
                    return Err(QueryError::new(at, "`limit` takes a whole number of rows")
                        .hint("e.g. `limit 20`"));
                }
                if n == 0 {
                    return Err(QueryError::new(at, "`limit 0` returns nothing")
                        .hint("give a positive number of rows"));
                }
                CommandKind::Limit(n)
            }
            "dedup" => CommandKind::Dedup(self.field_list("dedup")?),
            other if UNSUPPORTED_COMMANDS.contains(&other) => {
                return Err(QueryError::new(
                    pos,
                    format!(
                        "`{word}` is a Logs Insights command faascope does not run over local data"
                    ),
                )
                .hint(format!(
                    "local queries support: {}; run it in the CloudWatch console",
                    COMMANDS.join(", ")
                )))
            }
            _ => {
                let mut e = QueryError::new(pos, format!("unknown command `{word}`"));
                let guess = COMMANDS
                    .iter()
                    .map(|c| (strsim::levenshtein(c, &lower), c))
                    .min()
                    .filter(|(d, _)| *d <= 2);
                e = match guess {
                    Some((_, c)) => e.hint(format!("did you mean `{c}`?")),
                    None => e.hint(format!("commands: {}", COMMANDS.join(", "))),
                };
                return Err(e);
            }
        };
        Ok(Command { pos, kind })
    }

    fn no_aggregate(&self, e: &Expr, command: &str) -> Result<()> {
        if let Some((pos, name)) = first_aggregate(e) {
            return Err(QueryError::new(
                pos,
                format!("`{name}` is an aggregate function; `{command}` works row by row"),
            )
            .hint("aggregate in `stats` (e.g. `stats avg(@duration) by function`)"));
        }
        Ok(())
    }

    /// `expr [as name], ...` as in `fields` and the `by` list of `stats`.
    fn items(&mut self, command: &str, scalar_only: bool) -> Result<Vec<Item>> {
        let mut items = Vec::new();
        loop {
            let item = self.item()?;
            if scalar_only {
                self.no_aggregate(&item.expr, command)?;
            }
            items.push(item);
            if !self.eat(",") {
                return Ok(items);
            }
        }
    }

    fn item(&mut self) -> Result<Item> {
        self.skip_ws();
        let start = self.i;
        let expr = self.expr()?;
        let mut text = self.s[start..self.i].trim().to_string();
        // A quoted field names its column without the quotes (`fields \`a.b\``: `a.b`).
        if let ExprKind::Field(name) = &expr.kind {
            text.clone_from(name);
        }
        let alias = if self.eat_keyword("as") {
            Some(self.name("a name after `as`")?)
        } else {
            None
        };
        Ok(Item { expr, alias, text })
    }

    /// Field names only (`display`, `dedup`).
    fn field_list(&mut self, command: &str) -> Result<Vec<Item>> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            let pos = self.i;
            let name = self.name(&format!("a field name in `{command}`"))?;
            items.push(Item {
                expr: Expr {
                    pos,
                    kind: ExprKind::Field(name.clone()),
                },
                alias: None,
                text: name,
            });
            if !self.eat(",") {
                return Ok(items);
            }
        }
    }

    /// A field name: an identifier or a `backtick-quoted` name.
    fn name(&mut self, what: &str) -> Result<String> {
        self.skip_ws();
        if self.peek() == Some('`') {
            return self.backtick();
        }
        match self.peek_word() {
            Some(w) => {
                self.i += w.len();
                Ok(w.to_string())
            }
            None => {
                let here = self.describe_here();
                Err(
                    QueryError::new(self.i, format!("expected {what}, found {here}"))
                        .hint("quote names with other characters in backticks: `my-field`"),
                )
            }
        }
    }

    fn backtick(&mut self) -> Result<String> {
        let start = self.i;
        self.i += 1;
        match self.rest().find('`') {
            Some(end) => {
                let name = self.rest()[..end].to_string();
                self.i += end + 1;
                if name.is_empty() {
                    return Err(QueryError::new(start, "empty field name in backticks"));
                }
                Ok(name)
            }
            None => Err(
                QueryError::new(start, "unterminated backtick-quoted field name")
                    .hint("close the name with another `"),
            ),
        }
    }

    fn parse_command(&mut self) -> Result<CommandKind> {
        self.skip_ws();
        // The field is optional: `parse "glob" as a` reads @message.
        let source = match self.peek() {
            Some('"') | Some('\'') | Some('/') => Expr {
                pos: self.i,
                kind: ExprKind::Field("@message".into()),
            },
            _ => {
                let e = self.unary()?;
                self.no_aggregate(&e, "parse")?;
                e
            }
        };
        self.skip_ws();
        let at = self.i;
        match self.peek() {
            Some('/') => {
                let regex = self.regex_literal()?;
                let re = regex::Regex::new(&regex).map_err(|e| {
                    QueryError::new(
                        at,
                        format!("invalid regular expression: {}", first_line(&e.to_string())),
                    )
                })?;
                let names: Vec<String> = re.capture_names().flatten().map(str::to_string).collect();
                if names.is_empty() {
                    return Err(QueryError::new(at, "the regex of `parse` names no fields")
                        .hint("name each capture: /Duration: (?<ms>[0-9.]+)/"));
                }
                if self.eat_keyword("as") {
                    return Err(QueryError::new(
                        self.i,
                        "a regex `parse` names its fields with (?<name>...) groups, not `as`",
                    )
                    .hint("drop `as ...` and name the groups"));
                }
                Ok(CommandKind::Parse {
                    source,
                    pattern: ParsePattern::Regex { regex, names },
                })
            }
            Some('"') | Some('\'') => {
                let glob = self.string_literal()?;
                let stars = glob.matches('*').count();
                if stars == 0 {
                    return Err(QueryError::new(
                        at,
                        "the pattern of `parse` has no `*` to capture",
                    )
                    .hint("mark each value with *: parse @message \"user=* id=*\" as user, id"));
                }
                if !self.eat_keyword("as") {
                    return Err(QueryError::new(
                        self.i,
                        format!("expected `as` and {stars} field name(s) after the glob"),
                    )
                    .hint("e.g. parse @message \"user=* id=*\" as user, id"));
                }
                self.skip_ws();
                let names_at = self.i;
                let mut names = Vec::new();
                loop {
                    names.push(self.name("a field name after `as`")?);
                    if !self.eat(",") {
                        break;
                    }
                }
                if let Some(k) = (1..names.len()).find(|&k| names[..k].contains(&names[k])) {
                    return Err(QueryError::new(
                        names_at,
                        format!("`{}` is named twice after `as`", names[k]),
                    )
                    .hint("give each `*` its own name"));
                }
                if names.len() != stars {
                    return Err(QueryError::new(
                        names_at,
                        format!(
                            "the glob has {stars} `*` but {} name(s) follow `as`",
                            names.len()
                        ),
                    )
                    .hint("give one name per `*`"));
                }
                Ok(CommandKind::Parse {
                    source,
                    pattern: ParsePattern::Glob { glob, names },
                })
            }
            _ => {
                let here = self.describe_here();
                Err(QueryError::new(
                    at,
                    format!(
                        "expected a \"glob\" or a /regex/ after the field of `parse`, found {here}"
                    ),
                ))
            }
        }
    }

    fn stats(&mut self) -> Result<CommandKind> {
        let mut items: Vec<Item> = Vec::new();
        loop {
            self.skip_ws();
            if self
                .peek_word()
                .is_some_and(|w| w.eq_ignore_ascii_case("by"))
                && !items.is_empty()
            {
                break;
            }
            let item = self.item()?;
            // An item must aggregate, or combine the names of earlier items
            // (`provisionedMb - maxUsedMb as spareMb`).
            if !item.expr.has_aggregate() {
                let mut fields = Vec::new();
                item.expr.fields(&mut fields);
                let known = |f: &String| items.iter().any(|i| i.name() == f);
                if fields.is_empty() || !fields.iter().all(known) {
                    return Err(QueryError::new(
                        item.expr.pos,
                        format!("`{}` is not an aggregate", item.text),
                    )
                    .hint("use an aggregate function (count, sum, avg, min, max, pct, stddev, count_distinct, earliest, latest) or names given by `as` earlier in this `stats`; group with `by`"));
                }
            }
            items.push(item);
            if !self.eat(",") {
                break;
            }
        }
        let by = if self.eat_keyword("by") {
            self.items("stats ... by", true)?
        } else {
            Vec::new()
        };
        // Each column of the result needs its own name.
        let mut seen: Vec<&str> = Vec::new();
        for i in by.iter().chain(&items) {
            if seen.contains(&i.name()) {
                return Err(QueryError::new(
                    i.expr.pos,
                    format!("`{}` names two columns of this `stats`", i.name()),
                )
                .hint("give each its own name with `as`"));
            }
            seen.push(i.name());
        }
        Ok(CommandKind::Stats { items, by })
    }

    // Expressions.

    fn expr(&mut self) -> Result<Expr> {
        self.skip_ws();
        let pos = self.i;
        let e = self.nested(|p| p.or())?;
        if self.nesting == 0 {
            let depth = tree_depth(&e);
            if depth > MAX_DEPTH {
                return Err(QueryError::new(
                    pos,
                    format!(
                        "this expression is {depth} levels deep; faascope takes up to {MAX_DEPTH}"
                    ),
                )
                .hint("split it over several `filter` commands, or list values with `in [...]`"));
            }
        }
        Ok(e)
    }

    /// Runs `f` one level deeper, refusing more than [`MAX_NESTING`] levels.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.nesting >= MAX_NESTING {
            return Err(QueryError::new(
                self.i,
                format!(
                    "expression nested too deeply: more than {MAX_NESTING} levels of parentheses, calls, `not`, `-` and `^`"
                ),
            )
            .hint("simplify the expression"));
        }
        self.nesting += 1;
        let out = f(self);
        self.nesting -= 1;
        out
    }

    /// Counts one more operator of a chain, refusing more than [`MAX_CHAIN`].
    fn chained(&self, n: &mut usize, op: &str) -> Result<()> {
        *n += 1;
        if *n > MAX_CHAIN {
            return Err(QueryError::new(
                self.i,
                format!("more than {MAX_CHAIN} terms joined by `{op}` in one expression"),
            )
            .hint("list values with `in [...]` (`@requestId in [\"a\", \"b\"]`), or split the expression over several commands"));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr> {
        let mut left = self.and()?;
        let mut n = 0;
        while self.eat_keyword("or") {
            self.chained(&mut n, "or")?;
            let right = self.and()?;
            left = binary(BinOp::Or, left, right);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr> {
        let mut left = self.not()?;
        let mut n = 0;
        while self.eat_keyword("and") {
            self.chained(&mut n, "and")?;
            let right = self.not()?;
            left = binary(BinOp::And, left, right);
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr> {
        self.skip_ws();
        let pos = self.i;
        if self.eat_keyword("not") {
            let e = self.nested(|p| p.not())?;
            return Ok(Expr {
                pos,
                kind: ExprKind::Not(Box::new(e)),
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr> {
        let left = self.additive()?;
        self.skip_ws();
        let op = [
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("!=", BinOp::Ne),
            ("=~", BinOp::Eq), // handled below
            ("==", BinOp::Eq),
            ("=", BinOp::Eq),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ]
        .into_iter()
        .find(|(t, _)| self.rest().starts_with(t));
        if let Some((tok, op)) = op {
            self.i += tok.len();
            if tok == "=~" {
                self.skip_ws();
                let pat = self.operand()?;
                return Ok(like(left, pat, false));
            }
            let right = self.additive()?;
            return Ok(binary(op, left, right));
        }
        // `like`, `not like`, `in`, `not in`.
        let save = self.i;
        let negated = self.eat_keyword("not");
        if self.eat_keyword("like") {
            self.skip_ws();
            let pat = self.operand()?;
            if !matches!(pat.kind, ExprKind::Str(_) | ExprKind::Regex(_)) {
                return Err(
                    QueryError::new(pat.pos, "`like` takes a \"string\" or a /regex/")
                        .hint("e.g. @message like /Task timed out/"),
                );
            }
            return Ok(like(left, pat, negated));
        }
        if self.eat_keyword("in") {
            self.expect("[", "to start the list of `in`")?;
            let mut list = Vec::new();
            if !self.eat("]") {
                loop {
                    list.push(self.additive()?);
                    if self.eat("]") {
                        break;
                    }
                    self.expect(",", "or `]` in the list of `in`")?;
                }
            }
            return Ok(Expr {
                pos: left.pos,
                kind: ExprKind::In {
                    expr: Box::new(left),
                    list,
                    negated,
                },
            });
        }
        self.i = save;
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr> {
        let mut left = self.multiplicative()?;
        let mut n = 0;
        loop {
            self.skip_ws();
            let op = match self.peek() {
                Some('+') => BinOp::Add,
                Some('-') => BinOp::Sub,
                _ => return Ok(left),
            };
            self.chained(&mut n, if op == BinOp::Add { "+" } else { "-" })?;
            self.i += 1;
            let right = self.multiplicative()?;
            left = binary(op, left, right);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr> {
        let mut left = self.power()?;
        let mut n = 0;
        loop {
            self.skip_ws();
            let op = match self.peek() {
                Some('*') => BinOp::Mul,
                Some('/') => BinOp::Div,
                Some('%') => BinOp::Mod,
                _ => return Ok(left),
            };
            let sign = match op {
                BinOp::Mul => "*",
                BinOp::Div => "/",
                _ => "%",
            };
            self.chained(&mut n, sign)?;
            self.i += 1;
            let right = self.power()?;
            left = binary(op, left, right);
        }
    }

    fn power(&mut self) -> Result<Expr> {
        let base = self.unary()?;
        if self.eat("^") {
            let exp = self.nested(|p| p.power())?;
            return Ok(binary(BinOp::Pow, base, exp));
        }
        Ok(base)
    }

    fn unary(&mut self) -> Result<Expr> {
        self.skip_ws();
        let pos = self.i;
        if self.peek() == Some('-') {
            self.i += 1;
            let e = self.nested(|p| p.unary())?;
            return Ok(match e.kind {
                ExprKind::Num(n) => Expr {
                    pos,
                    kind: ExprKind::Num(-n),
                },
                _ => Expr {
                    pos,
                    kind: ExprKind::Neg(Box::new(e)),
                },
            });
        }
        let e = self.operand()?;
        if let ExprKind::Period(_) = e.kind {
            return Err(QueryError::new(
                pos,
                "a period (like 5m) is only an argument of bin, datefloor or dateceil",
            )
            .hint("write bin(5m), or a plain number"));
        }
        Ok(e)
    }

    /// A literal, field, call, parenthesised expression or regex. Periods are returned too;
    /// callers other than function arguments reject them.
    fn operand(&mut self) -> Result<Expr> {
        self.skip_ws();
        let pos = self.i;
        let Some(c) = self.peek() else {
            return Err(
                QueryError::new(pos, "the query ends where a value was expected")
                    .hint("complete the expression"),
            );
        };
        match c {
            '(' => {
                self.i += 1;
                let e = self.expr()?;
                self.expect(")", "to close `(`")?;
                Ok(e)
            }
            '"' | '\'' => Ok(Expr {
                pos,
                kind: ExprKind::Str(self.string_literal()?),
            }),
            '/' => Ok(Expr {
                pos,
                kind: ExprKind::Regex(self.regex_checked()?),
            }),
            '`' => Ok(Expr {
                pos,
                kind: ExprKind::Field(self.backtick()?),
            }),
            c if c.is_ascii_digit() || c == '.' => self.number(),
            c if is_ident_start(c) => {
                let word = self.peek_word().unwrap_or_default();
                self.i += word.len();
                let save = self.i;
                if self.eat("(") {
                    return self.call(pos, word);
                }
                self.i = save;
                Ok(Expr {
                    pos,
                    kind: ExprKind::Field(word.to_string()),
                })
            }
            _ => Err(
                QueryError::new(pos, format!("unexpected `{c}` where a value was expected")).hint(
                    "a value is a field, a number, a \"string\", a /regex/ or a function call",
                ),
            ),
        }
    }

    fn number(&mut self) -> Result<Expr> {
        let pos = self.i;
        let r = self.rest();
        let mut end = r
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(r.len());
        // Exponent: 1e3, 2.5E-4.
        if r[end..].starts_with(['e', 'E']) {
            let tail = &r[end + 1..];
            let sign = usize::from(tail.starts_with(['+', '-']));
            let digits = tail[sign..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tail.len() - sign);
            if digits > 0 {
                end += 1 + sign + digits;
            }
        }
        let num = &r[..end];
        let unit_len = r[end..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(r.len() - end);
        self.i += end;
        if unit_len > 0 {
            let unit_text = &r[end..end + unit_len];
            self.i += unit_len;
            let amount: i64 = num.parse().map_err(|_| {
                let whole = !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit());
                QueryError::new(
                    pos,
                    if whole {
                        format!("`{num}{unit_text}`: this period is too long")
                    } else {
                        format!("`{num}{unit_text}`: a period takes a whole number")
                    },
                )
            })?;
            let unit = period_unit(unit_text).ok_or_else(|| {
                QueryError::new(pos + end, format!("unknown period unit `{unit_text}`"))
                    .hint("units: ms, s, m, h, d, w, mo, q, y (e.g. 5m, 1h)")
            })?;
            if amount <= 0 {
                return Err(QueryError::new(pos, "a period must be positive"));
            }
            return Ok(Expr {
                pos,
                kind: ExprKind::Period(Period { amount, unit }),
            });
        }
        let n: f64 = num
            .parse()
            .map_err(|_| QueryError::new(pos, format!("`{num}` is not a number")))?;
        Ok(Expr {
            pos,
            kind: ExprKind::Num(n),
        })
    }

    fn call(&mut self, pos: usize, word: &str) -> Result<Expr> {
        let Some(func) = function(word) else {
            let lower = word.to_ascii_lowercase();
            let guess = super::FUNCTIONS
                .iter()
                .map(|f| (strsim::levenshtein(f.name, &lower), f.name))
                .min()
                .filter(|(d, _)| *d <= 2);
            let e = QueryError::new(pos, format!("unknown function `{word}`"));
            return Err(match guess {
                Some((_, g)) => e.hint(format!("did you mean `{g}`?")),
                None => e.hint("see `faascope query --help` for the functions faascope runs"),
            });
        };
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                self.skip_ws();
                let arg_pos = self.i;
                let arg = if self.eat("*") {
                    Expr {
                        pos: arg_pos,
                        kind: ExprKind::Star,
                    }
                } else {
                    // Periods are allowed here; checked per function below.
                    let e = self.expr_or_period()?;
                    if func.kind == FnKind::Aggregate && e.has_aggregate() {
                        return Err(QueryError::new(
                            arg_pos,
                            format!(
                                "`{}` cannot take another aggregate as its argument",
                                func.name
                            ),
                        )
                        .hint("aggregate once per expression: e.g. sum(x) / count(*)"));
                    }
                    e
                };
                args.push(arg);
                if self.eat(")") {
                    break;
                }
                self.expect(",", &format!("or `)` in the arguments of `{}`", func.name))?;
            }
        }
        if args.len() < func.min_args || args.len() > func.max_args {
            let want = if func.min_args == func.max_args {
                format!("{}", func.min_args)
            } else if func.max_args == usize::MAX {
                format!("at least {}", func.min_args)
            } else {
                format!("{} to {}", func.min_args, func.max_args)
            };
            return Err(QueryError::new(
                pos,
                format!(
                    "`{}` takes {want} argument(s), not {}",
                    func.name,
                    args.len()
                ),
            ));
        }
        for (i, a) in args.iter().enumerate() {
            let star_ok = func.name == "count" && i == 0;
            if matches!(a.kind, ExprKind::Star) && !star_ok {
                return Err(QueryError::new(
                    a.pos,
                    format!("`*` is only an argument of count, not of `{}`", func.name),
                ));
            }
            let period_ok = matches!(func.name, "bin")
                || (matches!(func.name, "datefloor" | "dateceil") && i == 1);
            match (&a.kind, period_ok) {
                (ExprKind::Period(_), false) => {
                    return Err(QueryError::new(
                        a.pos,
                        format!("`{}` does not take a period here", func.name),
                    ))
                }
                (ExprKind::Period(_), true) => {}
                (_, true) => {
                    return Err(QueryError::new(
                        a.pos,
                        format!("`{}` takes a period here, like 5m or 1h", func.name),
                    )
                    .hint("units: ms, s, m, h, d, w, mo, q, y"))
                }
                _ => {}
            }
        }
        if func.name == "pct" {
            match args[1].kind {
                ExprKind::Num(p) if (0.0..=100.0).contains(&p) => {}
                _ => {
                    return Err(QueryError::new(
                        args[1].pos,
                        "the percentile of `pct` is a number from 0 to 100",
                    )
                    .hint("e.g. pct(@duration, 99)"))
                }
            }
        }
        Ok(Expr {
            pos,
            kind: ExprKind::Call {
                name: func.name,
                args,
            },
        })
    }

    /// An expression, or a bare period (`5m`).
    fn expr_or_period(&mut self) -> Result<Expr> {
        self.skip_ws();
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let save = self.i;
            let e = self.number()?;
            if matches!(e.kind, ExprKind::Period(_)) {
                return Ok(e);
            }
            self.i = save;
        }
        self.expr()
    }

    fn string_literal(&mut self) -> Result<String> {
        let start = self.i;
        let quote = self.peek().unwrap_or('"');
        self.i += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((off, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, e)) => out.push(e),
                    None => break,
                },
                c if c == quote => {
                    self.i += off + 1;
                    return Ok(out);
                }
                c => out.push(c),
            }
        }
        Err(QueryError::new(start, "unterminated string").hint(format!("close it with {quote}")))
    }

    /// `/regex/`; `\/` stands for a slash, other escapes are kept for the regex engine.
    fn regex_literal(&mut self) -> Result<String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((off, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, '/')) => out.push('/'),
                    Some((_, e)) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => break,
                },
                '/' => {
                    self.i += off + 1;
                    let flags: String = self
                        .rest()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !flags.is_empty() && flags.chars().all(|c| "imsxuU".contains(c)) {
                        return Err(QueryError::new(
                            self.i,
                            format!("`/.../{flags}`: flags do not follow a regex here"),
                        )
                        .hint("put them inside it: /(?i)text/ matches text in any case"));
                    }
                    return Ok(out);
                }
                '\n' => break,
                c => out.push(c),
            }
        }
        Err(QueryError::new(start, "unterminated regex")
            .hint("close it with /, and write a slash inside it as \\/"))
    }

    fn regex_checked(&mut self) -> Result<String> {
        let at = self.i;
        let re = self.regex_literal()?;
        regex::Regex::new(&re).map_err(|e| {
            QueryError::new(
                at,
                format!("invalid regular expression: {}", first_line(&e.to_string())),
            )
        })?;
        Ok(re)
    }
}

fn first_line(s: &str) -> String {
    // The regex crate's errors span several lines with their own caret; keep the last line,
    // which says what is wrong.
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

fn period_unit(s: &str) -> Option<PeriodUnit> {
    Some(match s.to_ascii_lowercase().as_str() {
        // The short and long forms Logs Insights takes, singular and plural.
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => PeriodUnit::Millisecond,
        "s" | "sec" | "secs" | "second" | "seconds" => PeriodUnit::Second,
        "m" | "min" | "mins" | "minute" | "minutes" => PeriodUnit::Minute,
        "h" | "hr" | "hrs" | "hour" | "hours" => PeriodUnit::Hour,
        "d" | "day" | "days" => PeriodUnit::Day,
        "w" | "week" | "weeks" => PeriodUnit::Week,
        "mo" | "mon" | "mons" | "month" | "months" => PeriodUnit::Month,
        "q" | "qtr" | "qtrs" | "quarter" | "quarters" => PeriodUnit::Quarter,
        "y" | "yr" | "yrs" | "year" | "years" => PeriodUnit::Year,
        _ => return None,
    })
}

fn binary(op: BinOp, a: Expr, b: Expr) -> Expr {
    Expr {
        pos: a.pos,
        kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
    }
}

fn like(expr: Expr, pattern: Expr, negated: bool) -> Expr {
    Expr {
        pos: expr.pos,
        kind: ExprKind::Like {
            expr: Box::new(expr),
            pattern: Box::new(pattern),
            negated,
        },
    }
}

fn first_aggregate(e: &Expr) -> Option<(usize, &'static str)> {
    match &e.kind {
        ExprKind::Call { name, args } => {
            if function(name).is_some_and(|f| f.kind == FnKind::Aggregate) {
                Some((e.pos, name))
            } else {
                args.iter().find_map(first_aggregate)
            }
        }
        ExprKind::Not(x) | ExprKind::Neg(x) => first_aggregate(x),
        ExprKind::Binary(_, a, b) => first_aggregate(a).or_else(|| first_aggregate(b)),
        ExprKind::Like { expr, .. } => first_aggregate(expr),
        ExprKind::In { expr, list, .. } => {
            first_aggregate(expr).or_else(|| list.iter().find_map(first_aggregate))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
