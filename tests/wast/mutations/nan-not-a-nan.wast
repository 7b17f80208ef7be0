;; Mutation: a number does not satisfy nan:arithmetic.
(module (func (export "one") (result f64) (f64.const 1)))
(assert_return (invoke "one") (f64.const 1))
(assert_return (invoke "one") (f64.const nan:arithmetic))
