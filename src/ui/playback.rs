//! Playing the recorded steps like a film: how many steps are due at a given moment, from the speed
//! and the time playback started or last advanced. Time comes from egui's input (seconds), so tests
//! can drive it frame by frame.

/// The speeds offered, in steps per second.
pub const SPEEDS: [u32; 7] = [1, 2, 4, 8, 15, 30, 60];
pub const DEFAULT_SPEED: u32 = 4;

#[derive(Clone, Debug)]
pub struct Playback {
    playing: bool,
    speed: u32,
    /// When the last step was taken (egui input time, seconds).
    last_advance: Option<f64>,
}

impl Default for Playback {
    fn default() -> Self {
        Playback { playing: false, speed: DEFAULT_SPEED, last_advance: None }
    }
}

impl Playback {
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    pub fn speed(&self) -> u32 {
        self.speed
    }

    pub fn set_speed(&mut self, speed: u32) {
        self.speed = speed.clamp(1, SPEEDS[SPEEDS.len() - 1]);
    }

    pub fn toggle(&mut self) {
        self.playing = !self.playing;
        self.last_advance = None;
    }

    pub fn pause(&mut self) {
        self.playing = false;
        self.last_advance = None;
    }

    /// The seconds between two steps.
    pub fn interval(&self) -> f64 {
        1.0 / f64::from(self.speed.max(1))
    }

    /// Steps to advance at time `now`; the first call after Play advances one step at once.
    pub fn due(&mut self, now: f64) -> u64 {
        if !self.playing {
            return 0;
        }
        let Some(last) = self.last_advance else {
            self.last_advance = Some(now);
            return 1;
        };
        let elapsed = (now - last).max(0.0);
        let steps = (elapsed / self.interval()).floor();
        if steps >= 1.0 {
            self.last_advance = Some(last + steps * self.interval());
        }
        steps as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_come_at_the_chosen_speed() {
        let mut playback = Playback::default();
        assert_eq!(playback.due(0.0), 0, "paused: nothing moves");
        playback.set_speed(4);
        playback.toggle();
        assert_eq!(playback.due(10.0), 1, "play takes a first step at once");
        assert_eq!(playback.due(10.2), 0);
        assert_eq!(playback.due(10.25), 1);
        assert_eq!(playback.due(11.0), 3, "a slow frame catches up");
        playback.pause();
        assert_eq!(playback.due(20.0), 0);
        playback.set_speed(10_000);
        assert_eq!(playback.speed(), 60);
    }
}
