//! The option list that IPv4 (RFC 791 § 3.1) and TCP (RFC 9293 § 3.1) lay
//! out alike, read one option at a time:
//!
//! ```text
//! kind 0              End of Option List: nothing after it is an option
//! kind 1              No Operation: one byte, to align what follows
//! kind, length, data  any other: length counts the kind and length bytes
//! ```
//!
//! One reader for both headers: the listener checks every list with it,
//! and IPv4 looks in it for a source route.

/// One option of a list: where it starts, its kind, and its data (the
/// bytes after kind and length). No Operation is not listed; End of Option
/// List is, last, with no data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlvOption<'a> {
    pub at: usize,
    pub kind: u8,
    pub data: &'a [u8],
}

/// An option whose length byte does not fit the list: under 2 (it must
/// count itself and the kind), or running past the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoesNotFit {
    pub at: usize,
    pub kind: u8,
    pub length: usize,
}

/// End of Option List's kind: "used at the end of all options, not the end
/// of each option" (RFC 791 § 3.1); the bytes after it are padding.
pub const END_OF_LIST: u8 = 0;

/// The options in `list`, up to End of Option List or the end of the
/// bytes; the first option that does not fit stops the reading.
pub fn read(list: &[u8]) -> Result<Vec<TlvOption<'_>>, DoesNotFit> {
    let mut options = Vec::new();
    let mut at = 0;
    while at < list.len() {
        match list[at] {
            END_OF_LIST => {
                options.push(TlvOption {
                    at,
                    kind: END_OF_LIST,
                    data: &[],
                });
                break;
            }
            1 => at += 1,
            kind => {
                let length = list.get(at + 1).copied().unwrap_or(0) as usize;
                if length < 2 || at + length > list.len() {
                    return Err(DoesNotFit { at, kind, length });
                }
                options.push(TlvOption {
                    at,
                    kind,
                    data: &list[at + 2..at + length],
                });
                at += length;
            }
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_operation_is_skipped_and_end_of_list_ends_it() {
        // NOP, router alert (148, 4 bytes), EOL, then bytes that are no option.
        let list = [1, 0x94, 4, 0, 0, 0, 0x83, 0xFF];
        let options = read(&list).unwrap();
        assert_eq!(
            options,
            [
                TlvOption {
                    at: 1,
                    kind: 0x94,
                    data: &[0, 0]
                },
                TlvOption {
                    at: 5,
                    kind: END_OF_LIST,
                    data: &[]
                }
            ]
        );
    }

    #[test]
    fn a_length_that_does_not_fit_is_named() {
        // MSS (kind 2) claiming 8 bytes in 4; a length of 1; none at all.
        for (list, length) in
            [(&[2, 8, 5, 0][..], 8), (&[7, 1, 0][..], 1), (&[7][..], 0)]
        {
            let kind = list[0];
            assert_eq!(
                read(list),
                Err(DoesNotFit {
                    at: 0,
                    kind,
                    length
                })
            );
        }
    }

    #[test]
    fn an_empty_list_has_no_options() {
        assert_eq!(read(&[]), Ok(vec![]));
        assert_eq!(read(&[1, 1, 1, 1]), Ok(vec![]));
    }
}
