;; Mutation: assert_invalid on a malformed binary (a bad magic number).
(assert_malformed (module binary "\00asn" "\01\00\00\00") "magic header not detected")
(assert_invalid (module binary "\00asn" "\01\00\00\00") "magic header not detected")
