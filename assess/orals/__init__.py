"""The planning of bloc 3's oral defence: time windows per day, a slot length, a break,
rooms; candidates placed in slots (longer for extra time), moved by hand if need be,
overlaps refused. A planned slot is what the candidate's convocation says."""
