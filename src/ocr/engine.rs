//! A small safe wrapper over Tesseract's C API (`tesseract-sys`), for what the `tesseract`
//! crate does not expose: recognition with a deadline (an `ETEXT_DESC` monitor), so one
//! pathological page cannot hold a worker forever.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr::NonNull;
use std::time::Duration;
use tesseract_sys as sys;

/// How Tesseract segments the image it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segmentation {
    /// The whole-page layout analysis (PSM_AUTO).
    Page,
    /// One uniform block of text (PSM_SINGLE_BLOCK): a table cell cut out of the page.
    Block,
    /// One line of text (PSM_SINGLE_LINE): a one-line cell, read without looking for blocks,
    /// so a lone short token (`1`, `II`) is not lost or taken for noise.
    Line,
}

/// An initialised Tesseract engine. Not `Sync`: one per worker thread.
pub(super) struct Engine {
    api: NonNull<sys::TessBaseAPI>,
}

// The engine is used by one thread at a time; moving it between threads is fine.
unsafe impl Send for Engine {}

/// Why the engine failed.
#[derive(Debug)]
pub(super) enum EngineError {
    Init,
    Image,
    TimedOut(Duration),
    Recognize,
    Output,
}

/// Owns a string Tesseract allocated, freed with `TessDeleteText`.
struct TessText(*mut c_char);

impl TessText {
    fn to_string_lossy(&self) -> Option<String> {
        if self.0.is_null() {
            return None;
        }
        // SAFETY: non-null, NUL-terminated, allocated by Tesseract and alive until drop.
        Some(
            unsafe { CStr::from_ptr(self.0) }
                .to_string_lossy()
                .into_owned(),
        )
    }
}

impl Drop for TessText {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: allocated by Tesseract for the caller to free with TessDeleteText.
            unsafe { sys::TessDeleteText(self.0) };
        }
    }
}

impl Engine {
    /// Starts Tesseract with `lang` (PSM_AUTO, chatter to /dev/null).
    pub(super) fn new(datapath: Option<&str>, lang: &str) -> Result<Engine, EngineError> {
        let lang = CString::new(lang).map_err(|_| EngineError::Init)?;
        let datapath = datapath
            .map(CString::new)
            .transpose()
            .map_err(|_| EngineError::Init)?;
        // SAFETY: plain constructor; a null result is handled.
        let api = NonNull::new(unsafe { sys::TessBaseAPICreate() }).ok_or(EngineError::Init)?;
        let engine = Engine { api };
        // SAFETY: api is valid; the strings outlive the call.
        let status = unsafe {
            sys::TessBaseAPIInit3(
                engine.api.as_ptr(),
                datapath.as_ref().map_or(std::ptr::null(), |d| d.as_ptr()),
                lang.as_ptr(),
            )
        };
        if status != 0 {
            return Err(EngineError::Init);
        }
        // The library's default segmentation mode differs from the CLI's (PSM_AUTO) and costs a
        // lot of accuracy on noisy scans.
        // SAFETY: api is valid and initialised.
        unsafe {
            sys::TessBaseAPISetPageSegMode(engine.api.as_ptr(), sys::TessPageSegMode_PSM_AUTO)
        };
        // Tesseract prints chatter ("Detected N diacritics") on stderr; sohoa's stderr is for
        // one line per failed file.
        engine.set_variable("debug_file", "/dev/null")?;
        Ok(engine)
    }

    /// Page segmentation (see [`Segmentation`]).
    pub(super) fn set_segmentation(&self, segmentation: Segmentation) {
        let mode = match segmentation {
            Segmentation::Page => sys::TessPageSegMode_PSM_AUTO,
            Segmentation::Block => sys::TessPageSegMode_PSM_SINGLE_BLOCK,
            Segmentation::Line => sys::TessPageSegMode_PSM_SINGLE_LINE,
        };
        // SAFETY: api is valid and initialised.
        unsafe { sys::TessBaseAPISetPageSegMode(self.api.as_ptr(), mode) };
    }

    /// Sets a Tesseract parameter (as `tesseract -c NAME=VALUE` does). `lstm_choice_mode=2`
    /// keeps each symbol's alternatives for the choice iterator ([`Engine::recognize`]
    /// returns them); it changes no text.
    pub(super) fn set_variable(&self, name: &str, value: &str) -> Result<(), EngineError> {
        let name = CString::new(name).map_err(|_| EngineError::Init)?;
        let value = CString::new(value).map_err(|_| EngineError::Init)?;
        // SAFETY: api is valid; the strings outlive the call.
        let ok = unsafe {
            sys::TessBaseAPISetVariable(self.api.as_ptr(), name.as_ptr(), value.as_ptr())
        };
        if ok == 0 {
            Err(EngineError::Init)
        } else {
            Ok(())
        }
    }

    /// Recognises an 8-bit grey image and returns its text, TSV and what `detail` asks for
    /// (each word's symbol choices, for which the engine must run with `lstm_choice_mode=2`,
    /// or each word's symbols with boxes and confidences), giving up after `deadline`.
    pub(super) fn recognize(
        &mut self,
        image: &image::GrayImage,
        dpi: u32,
        deadline: Option<Duration>,
        detail: Detail,
    ) -> Result<Recognized, EngineError> {
        let (width, height) = image.dimensions();
        let (w, h) = (
            i32::try_from(width).map_err(|_| EngineError::Image)?,
            i32::try_from(height).map_err(|_| EngineError::Image)?,
        );
        if w == 0 || h == 0 || image.as_raw().len() < width as usize * height as usize {
            return Err(EngineError::Image);
        }
        let api = self.api.as_ptr();
        // SAFETY: the buffer holds w*h bytes, one byte per pixel, w bytes per line; Tesseract
        // copies it into its own Pix before SetImage returns.
        unsafe {
            sys::TessBaseAPISetImage(api, image.as_raw().as_ptr(), w, h, 1, w);
            sys::TessBaseAPISetSourceResolution(api, dpi.clamp(70, 2400) as i32);
        }
        // SAFETY: the monitor is created, used for this call only and deleted below.
        let status = unsafe {
            let monitor = sys::TessMonitorCreate();
            if let Some(limit) = deadline {
                let ms = i32::try_from(limit.as_millis()).unwrap_or(i32::MAX);
                sys::TessMonitorSetDeadlineMSecs(monitor, ms);
            }
            let status = sys::TessBaseAPIRecognize(api, monitor);
            sys::TessMonitorDelete(monitor);
            status
        };
        if status != 0 {
            // SAFETY: api is valid; clearing drops the half-done page.
            unsafe { sys::TessBaseAPIClear(api) };
            return Err(match deadline {
                Some(limit) => EngineError::TimedOut(limit),
                None => EngineError::Recognize,
            });
        }
        // SAFETY: api is valid and holds a recognised page.
        let text = TessText(unsafe { sys::TessBaseAPIGetUTF8Text(api) });
        let tsv = TessText(unsafe { sys::TessBaseAPIGetTsvText(api, 0) });
        let result = match (text.to_string_lossy(), tsv.to_string_lossy()) {
            (Some(text), Some(tsv)) => {
                let blank = text.trim().is_empty();
                let choices = if detail == Detail::Choices && !blank {
                    self.symbol_choices()
                } else {
                    Vec::new()
                };
                let symbols = if detail == Detail::Symbols && !blank {
                    self.placed_symbols()
                } else {
                    Vec::new()
                };
                Ok(Recognized {
                    text,
                    tsv,
                    choices,
                    symbols,
                })
            }
            _ => Err(EngineError::Output),
        };
        // SAFETY: api is valid; free the page's results now rather than at the next image.
        unsafe { sys::TessBaseAPIClear(api) };
        result
    }
}

/// One recognised word: for each of its symbols, the LSTM's choices (UTF-8, confidence 0–100),
/// best first. Needs `lstm_choice_mode=2`.
pub(super) type WordChoices = Vec<Vec<(String, f32)>>;

/// What [`Engine::recognize`] collects beside the text and TSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Detail {
    /// Nothing more.
    Text,
    /// Each word's symbol choices ([`WordChoices`]).
    Choices,
    /// Each word's symbols with boxes and confidences ([`SymbolBox`]).
    Symbols,
}

/// What one recognition gives.
pub(super) struct Recognized {
    pub(super) text: String,
    pub(super) tsv: String,
    pub(super) choices: Vec<WordChoices>,
    /// Per word, in the TSV's word order, its symbols.
    pub(super) symbols: Vec<Vec<super::SymbolBox>>,
}

impl Engine {
    /// Walks the recognised page's symbols in the order of the TSV's words (both walk
    /// Tesseract's result iterator), calling `visit` with the iterator placed on each symbol,
    /// the symbol's text and whether it starts a word. Symbols without text are skipped: an
    /// iterator with no symbol under it (an empty page or block) must not be asked for
    /// choices, Tesseract asserts and aborts.
    fn walk_symbols(
        &self,
        mut visit: impl FnMut(*mut sys::TessResultIterator, *mut sys::TessPageIterator, String, bool),
    ) {
        let api = self.api.as_ptr();
        // SAFETY: api holds a recognised page; the iterator is deleted below; strings from
        // GetUTF8Text of a result iterator are freed with TessDeleteText (TessText).
        unsafe {
            let ri = sys::TessBaseAPIGetIterator(api);
            if ri.is_null() {
                return;
            }
            let pi = sys::TessResultIteratorGetPageIterator(ri);
            let symbol = sys::TessPageIteratorLevel_RIL_SYMBOL;
            let word = sys::TessPageIteratorLevel_RIL_WORD;
            sys::TessPageIteratorBegin(pi);
            loop {
                let here = TessText(sys::TessResultIteratorGetUTF8Text(ri, symbol));
                if let Some(text) = here.to_string_lossy() {
                    let starts_word = sys::TessPageIteratorIsAtBeginningOf(pi, word) != 0;
                    visit(ri, pi, text, starts_word);
                }
                if sys::TessResultIteratorNext(ri, symbol) == 0 {
                    break;
                }
            }
            sys::TessResultIteratorDelete(ri);
        }
    }

    /// The symbol choices of every word of the recognised page, in the order of the TSV's
    /// words.
    fn symbol_choices(&self) -> Vec<WordChoices> {
        let mut words: Vec<WordChoices> = Vec::new();
        self.walk_symbols(|ri, _, text, starts_word| {
            if starts_word {
                words.push(Vec::new());
            }
            let mut choices = Vec::new();
            // SAFETY: ri is placed on a symbol; the choice iterator is deleted below, its
            // strings belong to it.
            unsafe {
                let ci = sys::TessResultIteratorGetChoiceIterator(ri);
                if !ci.is_null() {
                    loop {
                        let text = sys::TessChoiceIteratorGetUTF8Text(ci);
                        if !text.is_null() {
                            let text = CStr::from_ptr(text).to_string_lossy().into_owned();
                            choices.push((text, sys::TessChoiceIteratorConfidence(ci)));
                        }
                        if sys::TessChoiceIteratorNext(ci) == 0 {
                            break;
                        }
                    }
                    sys::TessChoiceIteratorDelete(ci);
                }
            }
            if choices.is_empty() {
                // No choices: the symbol as read, certain.
                choices.push((text, 100.0));
            }
            if let Some(w) = words.last_mut() {
                w.push(choices);
            }
        });
        words
    }

    /// Every word's symbols as read, with their boxes (left, top, right, bottom in the image's
    /// pixels) and confidences, in the order of the TSV's words.
    fn placed_symbols(&self) -> Vec<Vec<super::SymbolBox>> {
        let mut words: Vec<Vec<super::SymbolBox>> = Vec::new();
        self.walk_symbols(|ri, pi, text, starts_word| {
            if starts_word || words.is_empty() {
                words.push(Vec::new());
            }
            let symbol = sys::TessPageIteratorLevel_RIL_SYMBOL;
            let (mut l, mut t, mut r, mut b) = (0, 0, 0, 0);
            // SAFETY: both iterators are placed on a symbol of the recognised page.
            let confidence = unsafe {
                sys::TessPageIteratorBoundingBox(pi, symbol, &mut l, &mut t, &mut r, &mut b);
                sys::TessResultIteratorConfidence(ri, symbol)
            };
            if let Some(w) = words.last_mut() {
                w.push(super::SymbolBox {
                    text,
                    confidence,
                    bbox: [l, t, r, b],
                });
            }
        });
        words
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: api was created by TessBaseAPICreate and is deleted once.
        unsafe { sys::TessBaseAPIDelete(self.api.as_ptr()) };
    }
}
