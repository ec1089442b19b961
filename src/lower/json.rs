//! `json!`, as serde_json's macro writes it, but each interpolated value is
//! moved into the tree (`IntoJson`) rather than serialized into a copy:
//! serde_json's `json!` runs `to_value(&expr)`, which rebuilds every
//! `Value` it is given (a `reference(..)`, a tag list) allocation by
//! allocation and then drops the original. The lowering builds nearly all
//! of the template with it, so that copy was a large share of its cost.
//! Objects are built with room for their keys, so that their maps are
//! allocated once.

use serde_json::{Map, Number, Value};

/// A value the lowering puts into a template: converted exactly as
/// `serde_json::to_value` would convert it, without serializing.
pub trait IntoJson {
    fn into_json(self) -> Value;
}

impl IntoJson for Value {
    fn into_json(self) -> Value {
        self
    }
}

impl IntoJson for &Value {
    fn into_json(self) -> Value {
        self.clone()
    }
}

impl IntoJson for String {
    fn into_json(self) -> Value {
        Value::String(self)
    }
}

impl IntoJson for &String {
    fn into_json(self) -> Value {
        Value::String(self.clone())
    }
}

impl IntoJson for &str {
    fn into_json(self) -> Value {
        Value::String(self.to_string())
    }
}

impl IntoJson for &&str {
    fn into_json(self) -> Value {
        Value::String(self.to_string())
    }
}

impl IntoJson for bool {
    fn into_json(self) -> Value {
        Value::Bool(self)
    }
}

macro_rules! numbers {
    ($($number:ty),*) => {$(
        impl IntoJson for $number {
            fn into_json(self) -> Value {
                Value::Number(Number::from(self))
            }
        }
        impl IntoJson for &$number {
            fn into_json(self) -> Value {
                Value::Number(Number::from(*self))
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl IntoJson for f64 {
    /// A number, or null when not finite, as `to_value` gives.
    fn into_json(self) -> Value {
        Number::from_f64(self).map_or(Value::Null, Value::Number)
    }
}

impl<T: IntoJson> IntoJson for Option<T> {
    fn into_json(self) -> Value {
        self.map_or(Value::Null, IntoJson::into_json)
    }
}

impl<T: IntoJson> IntoJson for Vec<T> {
    fn into_json(self) -> Value {
        Value::Array(self.into_iter().map(IntoJson::into_json).collect())
    }
}

impl<'a, T> IntoJson for &'a Vec<T>
where
    &'a T: IntoJson,
{
    fn into_json(self) -> Value {
        Value::Array(self.iter().map(IntoJson::into_json).collect())
    }
}

impl<'a, T> IntoJson for &'a [T]
where
    &'a T: IntoJson,
{
    fn into_json(self) -> Value {
        Value::Array(self.iter().map(IntoJson::into_json).collect())
    }
}

impl IntoJson for Map<String, Value> {
    fn into_json(self) -> Value {
        Value::Object(self)
    }
}

/// An empty object with room for `keys` keys.
pub fn object(keys: usize) -> Map<String, Value> {
    Map::with_capacity(keys)
}

/// serde_json's `json!` grammar; see the module's comment for the change.
macro_rules! json {
    ($($json:tt)+) => {
        $crate::lower::json::json_internal!($($json)+)
    };
}

/// How many `key: value` pairs an object's tokens hold: one per top-level
/// comma, plus one unless the list ends with a comma.
macro_rules! json_count {
    (@n $n:expr;) => { $n };
    (@n $n:expr; ,) => { $n };
    (@n $n:expr; , $($rest:tt)+) => { $crate::lower::json::json_count!(@n $n + 1; $($rest)+) };
    (@n $n:expr; $head:tt $($rest:tt)*) => { $crate::lower::json::json_count!(@n $n; $($rest)*) };
    ($($tt:tt)+) => { $crate::lower::json::json_count!(@n 1usize; $($tt)+) };
}

macro_rules! json_internal {
    (@array [$($elems:expr,)*]) => {
        vec![$($elems,)*]
    };
    (@array [$($elems:expr),*]) => {
        vec![$($elems),*]
    };
    (@array [$($elems:expr,)*] null $($rest:tt)*) => {
        $crate::lower::json::json_internal!(@array [$($elems,)* $crate::lower::json::json_internal!(null)] $($rest)*)
    };
    (@array [$($elems:expr,)*] true $($rest:tt)*) => {
        $crate::lower::json::json_internal!(@array [$($elems,)* $crate::lower::json::json_internal!(true)] $($rest)*)
    };
    (@array [$($elems:expr,)*] false $($rest:tt)*) => {
        $crate::lower::json::json_internal!(@array [$($elems,)* $crate::lower::json::json_internal!(false)] $($rest)*)
    };
    (@array [$($elems:expr,)*] [$($array:tt)*] $($rest:tt)*) => {
        $crate::lower::json::json_internal!(@array [$($elems,)* $crate::lower::json::json_internal!([$($array)*])] $($rest)*)
    };
    (@array [$($elems:expr,)*] {$($map:tt)*} $($rest:tt)*) => {
        $crate::lower::json::json_internal!(@array [$($elems,)* $crate::lower::json::json_internal!({$($map)*})] $($rest)*)
    };
    (@array [$($elems:expr,)*] $next:expr, $($rest:tt)*) => {
        $crate::lower::json::json_internal!(@array [$($elems,)* $crate::lower::json::json_internal!($next),] $($rest)*)
    };
    (@array [$($elems:expr,)*] $last:expr) => {
        $crate::lower::json::json_internal!(@array [$($elems,)* $crate::lower::json::json_internal!($last)])
    };
    (@array [$($elems:expr),*] , $($rest:tt)*) => {
        $crate::lower::json::json_internal!(@array [$($elems,)*] $($rest)*)
    };

    (@object $object:ident () () ()) => {};
    (@object $object:ident [$($key:tt)+] ($value:expr) , $($rest:tt)*) => {
        let _ = $object.insert(($($key)+).into(), $value);
        $crate::lower::json::json_internal!(@object $object () ($($rest)*) ($($rest)*));
    };
    (@object $object:ident [$($key:tt)+] ($value:expr)) => {
        let _ = $object.insert(($($key)+).into(), $value);
    };
    (@object $object:ident ($($key:tt)+) (: null $($rest:tt)*) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object [$($key)+] ($crate::lower::json::json_internal!(null)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: true $($rest:tt)*) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object [$($key)+] ($crate::lower::json::json_internal!(true)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: false $($rest:tt)*) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object [$($key)+] ($crate::lower::json::json_internal!(false)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: [$($array:tt)*] $($rest:tt)*) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object [$($key)+] ($crate::lower::json::json_internal!([$($array)*])) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: {$($map:tt)*} $($rest:tt)*) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object [$($key)+] ($crate::lower::json::json_internal!({$($map)*})) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr , $($rest:tt)*) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object [$($key)+] ($crate::lower::json::json_internal!($value)) , $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object [$($key)+] ($crate::lower::json::json_internal!($value)));
    };
    (@object $object:ident () (($key:expr) : $($rest:tt)*) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object ($key) (: $($rest)*) (: $($rest)*));
    };
    (@object $object:ident ($($key:tt)*) ($tt:tt $($rest:tt)*) $copy:tt) => {
        $crate::lower::json::json_internal!(@object $object ($($key)* $tt) ($($rest)*) ($($rest)*));
    };

    (null) => {
        serde_json::Value::Null
    };
    (true) => {
        serde_json::Value::Bool(true)
    };
    (false) => {
        serde_json::Value::Bool(false)
    };
    ([]) => {
        serde_json::Value::Array(vec![])
    };
    ([ $($tt:tt)+ ]) => {
        serde_json::Value::Array($crate::lower::json::json_internal!(@array [] $($tt)+))
    };
    ({}) => {
        serde_json::Value::Object(serde_json::Map::new())
    };
    ({ $($tt:tt)+ }) => {
        serde_json::Value::Object({
            let mut object = $crate::lower::json::object($crate::lower::json::json_count!($($tt)+));
            $crate::lower::json::json_internal!(@object object () ($($tt)+) ($($tt)+));
            object
        })
    };
    ($other:expr) => {
        $crate::lower::json::IntoJson::into_json($other)
    };
}

pub(crate) use {json, json_count, json_internal};

#[cfg(test)]
mod tests {
    #[test]
    fn the_macro_builds_what_serde_json_builds() {
        let name = String::from("n");
        let list = vec!["a", "b"];
        let nested = serde_json::json!({ "Ref": "X" });
        let ours = json!({
            "A": name, "B": &list, "C": [1, -2, 2.5, null, true, false, {}, []],
            "D": { "E": nested.clone(), "F": (1 + 2), "G": Some("x"), "H": None::<u32> },
            "I": f64::NAN, "J": [nested.clone(), "s"],
        });
        let name = String::from("n");
        let theirs = serde_json::json!({
            "A": name, "B": &list, "C": [1, -2, 2.5, null, true, false, {}, []],
            "D": { "E": nested.clone(), "F": (1 + 2), "G": Some("x"), "H": None::<u32> },
            "I": f64::NAN, "J": [nested, "s"],
        });
        assert_eq!(ours, theirs);
        assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&theirs).unwrap());
    }

    /// Only the tokens are counted: `f(x, y)` is never evaluated.
    #[test]
    fn objects_are_sized_for_their_keys() {
        assert_eq!(json_count!("a": 1), 1);
        assert_eq!(json_count!("a": 1,), 1);
        assert_eq!(json_count!("a": [1, 2], "b": { "c": 1, "d": 2 }, "e": f(x, y)), 3);
    }
}
