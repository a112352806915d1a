//! Which background jobs run: one of each kind at a time. A request made while one of its
//! kind runs waits, and a later request replaces it: on a 1 GB export five `L` presses run one
//! query after the one already running, not five at once (the answers of all but the last
//! would be dropped anyway, see [`super::app::App::logs_answer`]). Pure: the event loop starts
//! what this returns.

use super::app::Effect;

/// The kinds of background job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Logs,
    Cost,
    Sim,
}

impl JobKind {
    /// The kind of job an effect starts (`None` for the effects that are not jobs).
    pub fn of(effect: &Effect) -> Option<JobKind> {
        match effect {
            Effect::RunLogsQuery { .. } => Some(JobKind::Logs),
            Effect::RunCost { .. } => Some(JobKind::Cost),
            Effect::RunSim { .. } => Some(JobKind::Sim),
            Effect::Quit => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The jobs running and the requests waiting for them, by kind.
#[derive(Debug, Default)]
pub struct Jobs {
    running: [bool; 3],
    waiting: [Option<Effect>; 3],
}

impl Jobs {
    /// A job is asked for: it is returned to be started now when none of its kind runs;
    /// otherwise it waits (replacing the request that waited before it) and `None` is
    /// returned. Effects that are not jobs are returned as they are.
    pub fn submit(&mut self, effect: Effect) -> Option<Effect> {
        let Some(kind) = JobKind::of(&effect) else {
            return Some(effect);
        };
        let i = kind.index();
        if self.running[i] {
            self.waiting[i] = Some(effect);
            None
        } else {
            self.running[i] = true;
            Some(effect)
        }
    }

    /// A job of `kind` answered: the request that waited for it, to be started now.
    pub fn finished(&mut self, kind: JobKind) -> Option<Effect> {
        let i = kind.index();
        let next = self.waiting[i].take();
        self.running[i] = next.is_some();
        next
    }

    /// Whether a job of `kind` runs.
    pub fn running(&self, kind: JobKind) -> bool {
        self.running[kind.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs(id: u64) -> Effect {
        Effect::RunLogsQuery {
            id,
            text: String::new(),
            scope: Default::default(),
        }
    }

    fn sim(id: u64) -> Effect {
        Effect::RunSim {
            id,
            function: "f".into(),
            knobs: Default::default(),
        }
    }

    #[test]
    fn one_job_of_a_kind_runs_and_only_the_latest_request_waits() {
        let mut j = Jobs::default();
        assert_eq!(j.submit(logs(1)), Some(logs(1)), "nothing runs: it starts");
        // Four more while it runs: none starts, only the last waits.
        for id in 2..=5 {
            assert_eq!(j.submit(logs(id)), None);
        }
        assert!(j.running(JobKind::Logs));
        // Another kind is not held up by it.
        assert_eq!(j.submit(sim(1)), Some(sim(1)));
        // The first answers: the latest request starts, the ones it replaced never do.
        assert_eq!(j.finished(JobKind::Logs), Some(logs(5)));
        assert!(j.running(JobKind::Logs));
        assert_eq!(j.finished(JobKind::Logs), None);
        assert!(!j.running(JobKind::Logs));
        assert_eq!(
            j.submit(logs(6)),
            Some(logs(6)),
            "idle again: starts at once"
        );
        assert_eq!(j.finished(JobKind::Sim), None);
        assert!(!j.running(JobKind::Sim));
        assert_eq!(j.submit(Effect::Quit), Some(Effect::Quit));
    }
}
