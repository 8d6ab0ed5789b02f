//! The decoder's settings: one struct per stage, each defined in the stage that reads it, and
//! [`Params`] that holds them all and reads overrides from `SOHOA_PARAMS` for experiments.

pub use super::candidates::ocr::OcrParams;
pub use super::candidates::scan::ScanParams;
pub use super::candidates::split::SplitParams;
pub use super::candidates::two_readings::TwoReadingsParams;
pub use super::lattice::LatticeParams;
pub use super::names::NameParams;
pub use super::session::SessionParams;

/// Decoder settings (natural-log units), by the stage that reads them.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// The Viterbi search over a line's candidates.
    pub lattice: LatticeParams,
    /// Legacy-OCR candidates (and the line modes, which share the foreign-word threshold).
    pub ocr: OcrParams,
    /// Legacy-OCR tokens read as two words.
    pub split: SplitParams,
    /// Candidates of Tesseract's Vietnamese OCR.
    pub scan: ScanParams,
    /// The document's own usage.
    pub session: SessionParams,
    /// Place names of the gazetteer.
    pub names: NameParams,
    /// Two readings of one page combined (OCR and a PDF's OCR layer).
    pub two_readings: TwoReadingsParams,
}

impl Params {
    /// The defaults, with overrides from `SOHOA_PARAMS` (`name=value,...`) for experiments.
    pub fn from_env() -> Params {
        let mut p = Params::default();
        if let Ok(spec) = std::env::var("SOHOA_PARAMS") {
            p.apply(&spec);
        }
        p
    }

    /// Applies overrides `name=value,...` (the field names of the stages' settings); unknown
    /// names and values that are not numbers are skipped.
    ///
    /// ```
    /// let mut p = sohoa::repair::Params::default();
    /// p.apply("beam=10,split_cost=3,nonsense=1,keep_cost=x");
    /// assert_eq!((p.lattice.beam, p.split.split_cost, p.ocr.keep_cost), (10.0, 3.0, 12.0));
    /// ```
    pub fn apply(&mut self, spec: &str) {
        for kv in spec.split(',') {
            let Some((k, v)) = kv.split_once('=') else {
                continue;
            };
            let Ok(v) = v.trim().parse::<f32>() else {
                continue;
            };
            let k = k.trim();
            let _known = self.lattice.set(k, v)
                || self.ocr.set(k, v)
                || self.split.set(k, v)
                || self.scan.set(k, v)
                || self.session.set(k, v)
                || self.names.set(k, v)
                || self.two_readings.set(k, v);
        }
    }
}
