//! Whether a live frame shows anything new: a camera held still over a page sends the same picture thirty times a
//! second, and decoding it again reads nothing new.
//!
//! A frame is summarised by the means of its 16×16-pixel blocks, which averages sensor noise away (a block mean of
//! noise with a spread of 5 grey levels moves by about 0.3). It counts as unchanged while those means differ from
//! the ones of the frame that started the still run by less than [`MAX_DRIFT`] grey levels on average, so slow
//! drift adds up until it counts as a change.

use super::frame::GrayFrame;

/// The side of a summary block, in pixels.
const BLOCK: usize = 16;

/// The average difference of block means, in grey levels, below which two frames show the same scene.
const MAX_DRIFT: f32 = 1.5;

/// Decides which live frames to decode.
#[derive(Debug)]
pub(super) struct ChangeGate {
    /// How many times an unchanged scene is decoded: once per decoding opinion, so that each gets its turn.
    decodes_per_scene: usize,
    /// The summary of the frame that started the current still run, with its size.
    reference: Option<(u32, u32, Vec<u16>)>,
    /// How many frames of the current still run were decoded.
    decoded: usize,
    /// Whether a code was read in the current still run.
    read: bool,
}

impl ChangeGate {
    /// A gate that lets an unchanged scene be decoded `decodes_per_scene` times.
    pub(super) fn new(decodes_per_scene: usize) -> Self {
        ChangeGate { decodes_per_scene, reference: None, decoded: 0, read: false }
    }

    /// Whether `frame` is worth decoding: it shows something new, or the scene has not had every decoding opinion
    /// yet and nothing was read in it.
    pub(super) fn worth_decoding(&mut self, frame: &GrayFrame) -> bool {
        let summary = summarise(frame);
        let unchanged = self.reference.as_ref().is_some_and(|(w, h, reference)| {
            (*w, *h) == (frame.width(), frame.height()) && mean_difference(reference, &summary) < MAX_DRIFT
        });
        if !unchanged {
            self.reference = Some((frame.width(), frame.height(), summary));
            self.decoded = 0;
            self.read = false;
        }
        if self.read || self.decoded >= self.decodes_per_scene {
            return false;
        }
        self.decoded += 1;
        true
    }

    /// Notes that a code was read in the current scene: until it changes, there is nothing more to read.
    pub(super) fn note_read(&mut self) {
        self.read = true;
    }
}

/// The mean of each whole 16×16 block, row by row (the partial blocks at the right and bottom edges are left out).
fn summarise(frame: &GrayFrame) -> Vec<u16> {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let (across, down) = (w / BLOCK, h / BLOCK);
    let mut sums = vec![0u32; across * down];
    for (y, row) in frame.pixels().chunks_exact(w.max(1)).take(down * BLOCK).enumerate() {
        let sums = &mut sums[(y / BLOCK) * across..][..across];
        for (sum, block) in sums.iter_mut().zip(row.chunks_exact(BLOCK)) {
            *sum += block.iter().map(|&p| u32::from(p)).sum::<u32>();
        }
    }
    // Kept in 1/16 grey levels: the sum of 256 pixels divided by 16.
    sums.into_iter().map(|s| (s / 16) as u16).collect()
}

/// The average absolute difference of two summaries, in grey levels.
fn mean_difference(a: &[u16], b: &[u16]) -> f32 {
    if a.is_empty() {
        return 0.0;
    }
    let total: u64 = a.iter().zip(b).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    total as f32 / a.len() as f32 / 16.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(shift: u32, noise_seed: u32) -> GrayFrame {
        let (w, h) = (320, 240);
        let pixels = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let base = if ((x + shift) / 20 + y / 20).is_multiple_of(2) { 60 } else { 190 };
                // Sensor noise of about ±4 grey levels.
                let noise = (i.wrapping_mul(2_654_435_761).wrapping_add(noise_seed.wrapping_mul(40_503)) >> 13) % 9;
                (base + noise - 4) as u8
            })
            .collect();
        GrayFrame::new(w, h, pixels).unwrap()
    }

    #[test]
    fn a_still_scene_is_decoded_once_per_opinion_then_left_alone_despite_sensor_noise() {
        let mut gate = ChangeGate::new(3);
        let decoded = (0..10).filter(|&seed| gate.worth_decoding(&scene(0, seed))).count();
        assert_eq!(decoded, 3);
    }

    #[test]
    fn a_moved_scene_is_decoded_again() {
        let mut gate = ChangeGate::new(2);
        assert!(gate.worth_decoding(&scene(0, 1)));
        assert!(gate.worth_decoding(&scene(0, 2)));
        assert!(!gate.worth_decoding(&scene(0, 3)));
        assert!(gate.worth_decoding(&scene(10, 4)), "half a square to the side is a new scene");
    }

    #[test]
    fn once_a_code_is_read_the_unchanged_scene_is_not_decoded_again() {
        let mut gate = ChangeGate::new(5);
        assert!(gate.worth_decoding(&scene(0, 1)));
        gate.note_read();
        assert!(!gate.worth_decoding(&scene(0, 2)));
        assert!(gate.worth_decoding(&scene(10, 3)));
    }
}
