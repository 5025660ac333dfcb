//! Faults with a real Zeek (issue 19, point 3).
