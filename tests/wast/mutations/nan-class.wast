;; Mutation: an arithmetic NaN that is not canonical does not satisfy nan:canonical.
(module
  (func (export "arithmetic") (result f32) (f32.const nan:0x600000))
  (func (export "canonical") (result f32) (f32.const nan)))
(assert_return (invoke "arithmetic") (f32.const nan:arithmetic))
(assert_return (invoke "canonical") (f32.const nan:canonical))
(assert_return (invoke "arithmetic") (f32.const nan:canonical))
