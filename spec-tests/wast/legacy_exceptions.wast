;; The legacy exception-handling instructions (try, catch, catch_all,
;; delegate, rethrow), which engines still ship and JSPI code in the wild
;; uses. The official test crate has no tests for them; these are ours.
;; (Written in the flat syntax, the one the text parser accepts for them.)

(module
  (tag $e0)
  (tag $e1 (param i32))
  (tag $e2 (param i32 i64))
  (func $throw-if (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $e1 (i32.const 7)))))

  ;; catch by tag, with the tag's fields on the stack
  (func (export "catch-e1") (param i32) (result i32)
    try (result i32)
      (call $throw-if (local.get 0))
      (i32.const 1)
    catch $e1
      (i32.add (i32.const 100))
    end)

  ;; the first matching clause wins; catch_all takes the rest
  (func (export "which") (param i32) (result i32)
    try (result i32)
      (if (i32.eq (local.get 0) (i32.const 0)) (then (throw $e0)))
      (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e1 (i32.const 5))))
      (if (i32.eq (local.get 0) (i32.const 2)) (then (throw $e2 (i32.const 6) (i64.const 9))))
      (i32.const -1)
    catch $e0
      (i32.const 10)
    catch $e1
      (drop)
      (i32.const 11)
    catch_all
      (i32.const 12)
    end)

  ;; an exception thrown in a catch body is not caught by its own try
  (func (export "throw-in-catch") (result i32)
    try (result i32)
      try (result i32)
        (throw $e0)
      catch $e0
        (throw $e1 (i32.const 3))
      end
    catch $e1
    end)

  ;; delegate to an outer try's label: that try's catches apply
  (func (export "delegate-outer") (result i32)
    try $outer (result i32)
      (block (result i32)
        try (result i32)
          (throw $e1 (i32.const 21))
        delegate $outer)
    catch $e1
      (i32.add (i32.const 1000))
    end)

  ;; delegate to a plain block skips the try's own catch inside it
  (func (export "delegate-block") (result i32)
    try (result i32)
      (block $b (result i32)
        try (result i32)
          try (result i32)
            (throw $e1 (i32.const 4))
          delegate $b
        catch $e1
          (i32.add (i32.const 500))
        end)
    catch $e1
      (i32.add (i32.const 2000))
    end)

  ;; delegate to the function's label: the caller sees it
  (func $delegate-to-caller (result i32)
    try (result i32)
      (throw $e1 (i32.const 9))
    delegate 0)
  (func (export "delegate-caller") (result i32)
    try (result i32)
      (call $delegate-to-caller)
    catch $e1
      (i32.add (i32.const 3000))
    end)
  (func (export "delegate-uncaught") (result i32) (call $delegate-to-caller))

  ;; rethrow 0 rethrows the innermost caught exception, rethrow 1 the outer one
  (func (export "rethrow") (param i32) (result i32)
    try (result i32)
      try (result i32)
        (throw $e1 (i32.const 1))
      catch $e1
        (drop)
        try (result i32)
          (throw $e1 (i32.const 2))
        catch $e1
          (drop)
          (if (local.get 0) (then (rethrow 2)) (else (rethrow 1)))
          (i32.const 0)
        end
      end
    catch $e1
    end)

  ;; catch_all with rethrow keeps the exception's identity and fields
  (func (export "rethrow-all") (result i32 i64)
    try (result i32 i64)
      try
        (throw $e2 (i32.const 8) (i64.const 80))
      catch_all
        (rethrow 0)
      end
      (unreachable)
    catch $e2
    end)

  ;; a try without catches lets everything through; with parameters, a
  ;; normal exit keeps the values
  (func (export "no-catch") (result i32)
    try (result i32)
      (call $throw-if (i32.const 0))
      (i32.const 1)
    end)
  (func (export "params") (result i32)
    (i32.const 40)
    try (param i32) (result i32)
      (i32.add (i32.const 2))
    catch_all
      (i32.const 0)
    end)

  ;; branches out of try and catch bodies
  (func (export "br-out") (param i32) (result i32)
    (block $out (result i32)
      try (result i32)
        (br_if $out (i32.const 50) (local.get 0))
        (throw $e0)
      catch $e0
        (br $out (i32.const 60))
      end))
)

(assert_return (invoke "catch-e1" (i32.const 1)) (i32.const 1))
(assert_return (invoke "catch-e1" (i32.const 0)) (i32.const 107))
(assert_return (invoke "which" (i32.const 0)) (i32.const 10))
(assert_return (invoke "which" (i32.const 1)) (i32.const 11))
(assert_return (invoke "which" (i32.const 2)) (i32.const 12))
(assert_return (invoke "which" (i32.const 3)) (i32.const -1))
(assert_return (invoke "throw-in-catch") (i32.const 3))
(assert_return (invoke "delegate-outer") (i32.const 1021))
(assert_return (invoke "delegate-block") (i32.const 2004))
(assert_return (invoke "delegate-caller") (i32.const 3009))
(assert_exception (invoke "delegate-uncaught"))
(assert_return (invoke "rethrow" (i32.const 0)) (i32.const 2))
(assert_return (invoke "rethrow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "rethrow-all") (i32.const 8) (i64.const 80))
(assert_exception (invoke "no-catch"))
(assert_return (invoke "params") (i32.const 42))
(assert_return (invoke "br-out" (i32.const 1)) (i32.const 50))
(assert_return (invoke "br-out" (i32.const 0)) (i32.const 60))

;; Validation.
(assert_invalid
  (module (func try catch_all (rethrow 1) end))
  "invalid rethrow label")
(assert_invalid
  (module (func (block try (rethrow 0) catch_all end)))
  "invalid rethrow label")
(assert_invalid
  (module (tag $e (param i32)) (func try catch $e end))
  "type mismatch")
(assert_invalid
  (module (func (result i32) try (result i32) (i32.const 1) catch_all end))
  "type mismatch")
(assert_invalid
  (module (func try delegate 1))
  "unknown label")
