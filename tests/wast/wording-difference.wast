;; A malformed binary whose message differs from the spec's only through an entry of
;; cli/wast/wording_differences.cpp (binary.wast:1497): a table section that declares one table
;; and holds none.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\04\01\01")
  "unexpected end of section or function")
