//! How the schema's one declaration per setting (`schema.rs`) becomes code:
//! the `ClientConfig` struct and its defaults, the `with_*` builder methods,
//! `ClientConfig::SCHEMA`, the generic `set`, `show` and the redacting `Debug`.

/// Declares every setting once:
///
/// ```text
/// /// doc (the field's, the builder's and the schema's)
/// name: RustType = default_expr, RuleMarker, with_builder_name;
/// ```
macro_rules! declare_settings {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident : $ty:ty = $default:expr, $rule:ident, $builder:ident;
    )*) => {
        /// Everything that describes one OAuth client and how its tokens are
        /// fetched, cached and applied. Start from [`ClientConfig::new`] and chain
        /// `with_*` methods, deserialize it from JSON/TOML, or set settings by name
        /// with [`ClientConfig::set`]. Every field is declared once, in the schema
        /// ([`ClientConfig::SCHEMA`]), which the C and Python bindings iterate.
        #[derive(Clone)]
        #[non_exhaustive]
        pub struct ClientConfig {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        impl Default for ClientConfig {
            fn default() -> Self {
                ClientConfig { $( $name: $default, )* }
            }
        }

        impl ClientConfig {
            $(
                #[doc = concat!("Sets [`", stringify!($name), "`](ClientConfig::", stringify!($name), ").")]
                pub fn $builder(mut self, value: impl $crate::config::IntoSetting<$ty>) -> Self {
                    self.$name = value.into_setting();
                    self
                }
            )*

            /// Every setting: name, kind, accepted spellings and documentation, in
            /// declaration order. Bindings, docs tables and coverage tests iterate it.
            pub const SCHEMA: &'static [$crate::config::SettingInfo] = &[
                $( $crate::config::SettingInfo {
                    name: stringify!($name),
                    kind: <rules::$rule as rules::Rule<$ty>>::KIND,
                    choices: <rules::$rule as rules::Rule<$ty>>::CHOICES,
                    doc: concat!($($doc, "\n"),*),
                }, )*
            ];

            /// Sets the setting called `name` from a language-neutral value,
            /// under the rules of its kind (a list is not a lone string; seconds
            /// are between 0 and a year; an enum takes one of its spellings; …).
            /// Errors name the setting: `Config` for a bad value, `InvalidArgument`
            /// for a value of the wrong shape, `Config` for an unknown name.
            /// Values are checked further, together, by [`ClientConfig::validate`].
            pub fn set(&mut self, name: &str, value: $crate::config::SettingValue) -> $crate::error::Result<()> {
                match (name, value) {
                    $( (stringify!($name), $crate::config::SettingValue::Default) => {
                        self.$name = $default;
                        Ok(())
                    } )*
                    $( (stringify!($name), value) => {
                        <rules::$rule as rules::Rule<$ty>>::apply(&mut self.$name, stringify!($name), value)
                    } )*
                    (other, _) => Err($crate::error::Error::new(
                        $crate::error::ErrorKind::Config,
                        format!("unknown setting `{other}`"),
                    )),
                }
            }

            /// The current value of the setting called `name`, as the docs show
            /// it: secrets as `***`, PEM by size, maps by their names only.
            pub fn show(&self, name: &str) -> Option<String> {
                match name {
                    $( stringify!($name) => Some(<rules::$rule as rules::Rule<$ty>>::show(&self.$name)), )*
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Debug for ClientConfig {
            /// Every setting as [`ClientConfig::show`] shows it: no secret, ever.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("ClientConfig")
                    $( .field(
                        stringify!($name),
                        &format_args!("{}", <rules::$rule as rules::Rule<$ty>>::show(&self.$name)),
                    ) )*
                    .finish()
            }
        }
    };
}

pub(crate) use declare_settings;
