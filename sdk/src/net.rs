//! Typed views of Ethernet, IPv4, IPv6, TCP and UDP headers over a packet byte slice.
//!
//! Each view borrows a fixed-size array (`&[u8; N]` or `&mut [u8; N]`) cut out of the
//! packet after one length check, so field accessors need no further bounds checks and
//! no alignment: multi-byte fields are read and written as big-endian (network order)
//! byte copies. `parse` returns the header and the bytes after it (`None` if too short).
//!
//! ```ignore
//! let (eth, rest) = Eth::parse(ctx.data())?;
//! if eth.ethertype() == ETH_P_IP {
//!     let (ip, l4) = Ipv4::parse(rest)?;
//!     if ip.protocol() == IPPROTO_UDP { let (udp, _) = Udp::parse(l4)?; ... }
//! }
//! ```

/// EtherType IPv4.
pub const ETH_P_IP: u16 = 0x0800;
/// EtherType IPv6.
pub const ETH_P_IPV6: u16 = 0x86dd;
/// EtherType ARP.
pub const ETH_P_ARP: u16 = 0x0806;
/// EtherType 802.1Q VLAN.
pub const ETH_P_8021Q: u16 = 0x8100;
/// IP protocol ICMP.
pub const IPPROTO_ICMP: u8 = 1;
/// IP protocol IPv4-in-IP.
pub const IPPROTO_IPIP: u8 = 4;
/// IP protocol TCP.
pub const IPPROTO_TCP: u8 = 6;
/// IP protocol UDP.
pub const IPPROTO_UDP: u8 = 17;
/// IP protocol IPv6-in-IP.
pub const IPPROTO_IPV6: u8 = 41;
/// IP protocol ICMPv6.
pub const IPPROTO_ICMPV6: u8 = 58;

fn split<const N: usize>(b: &[u8]) -> Option<(&[u8; N], &[u8])> {
    let (h, rest) = b.split_first_chunk::<N>()?;
    Some((h, rest))
}

fn split_mut<const N: usize>(b: &mut [u8]) -> Option<(&mut [u8; N], &mut [u8])> {
    let (h, rest) = b.split_first_chunk_mut::<N>()?;
    Some((h, rest))
}

macro_rules! get {
    (u8, $b:expr, $o:expr) => {
        $b[$o]
    };
    (u16, $b:expr, $o:expr) => {
        u16::from_be_bytes([$b[$o], $b[$o + 1]])
    };
    (u32, $b:expr, $o:expr) => {
        u32::from_be_bytes([$b[$o], $b[$o + 1], $b[$o + 2], $b[$o + 3]])
    };
    ([u8; $n:literal], $b:expr, $o:expr) => {{
        let mut a = [0u8; $n];
        a.copy_from_slice(&$b[$o..$o + $n]);
        a
    }};
}

macro_rules! set {
    (u8, $b:expr, $o:expr, $v:expr) => {
        $b[$o] = $v
    };
    (u16, $b:expr, $o:expr, $v:expr) => {
        $b[$o..$o + 2].copy_from_slice(&$v.to_be_bytes())
    };
    (u32, $b:expr, $o:expr, $v:expr) => {
        $b[$o..$o + 4].copy_from_slice(&$v.to_be_bytes())
    };
    ([u8; $n:literal], $b:expr, $o:expr, $v:expr) => {
        $b[$o..$o + $n].copy_from_slice(&$v)
    };
}

macro_rules! header {
    (
        $(#[$m:meta])* $name:ident / $mname:ident, $len:literal,
        { $( $(#[$fm:meta])* $get:ident / $set:ident : $t:tt @ $off:literal ),* $(,)? }
    ) => {
        $(#[$m])*
        #[derive(Clone, Copy)]
        pub struct $name<'a> {
            b: &'a [u8; $len],
        }

        $(#[$m])*
        ///
        /// Mutable variant: the same getters plus setters.
        pub struct $mname<'a> {
            b: &'a mut [u8; $len],
        }

        impl<'a> $name<'a> {
            /// Header length in bytes (without options).
            pub const LEN: usize = $len;

            /// The header at the start of `b` and the bytes after it.
            pub fn parse(b: &'a [u8]) -> Option<(Self, &'a [u8])> {
                let (h, rest) = split::<$len>(b)?;
                Some(($name { b: h }, rest))
            }

            /// The header's raw bytes.
            pub fn bytes(&self) -> &'a [u8; $len] {
                self.b
            }

            $( $(#[$fm])* pub fn $get(&self) -> header!(@ty $t) { get!($t, self.b, $off) } )*
        }

        impl<'a> $mname<'a> {
            /// The header at the start of `b` and the bytes after it, writable.
            pub fn parse(b: &'a mut [u8]) -> Option<(Self, &'a mut [u8])> {
                let (h, rest) = split_mut::<$len>(b)?;
                Some(($mname { b: h }, rest))
            }

            /// The header's raw bytes.
            pub fn bytes(&mut self) -> &mut [u8; $len] {
                self.b
            }

            $(
                $(#[$fm])* pub fn $get(&self) -> header!(@ty $t) { get!($t, self.b, $off) }
                #[doc = concat!("Sets `", stringify!($get), "`.")]
                pub fn $set(&mut self, v: header!(@ty $t)) { set!($t, self.b, $off, v) }
            )*
        }
    };
    (@ty u8) => { u8 };
    (@ty u16) => { u16 };
    (@ty u32) => { u32 };
    (@ty [u8; $n:literal]) => { [u8; $n] };
}

header!(
    /// Ethernet II header (14 bytes).
    Eth / EthMut, 14, {
        /// Destination MAC.
        dst / set_dst: [u8; 6] @ 0,
        /// Source MAC.
        src / set_src: [u8; 6] @ 6,
        /// EtherType (host order), e.g. [`ETH_P_IP`].
        ethertype / set_ethertype: u16 @ 12,
    }
);

header!(
    /// IPv4 header (the 20-byte base; `parse` returns the bytes after it, options
    /// included; [`Ipv4::parse_ihl`] skips the options as the IHL says).
    Ipv4 / Ipv4Mut, 20, {
        /// Version (4 bits) and IHL (4 bits).
        ver_ihl / set_ver_ihl: u8 @ 0,
        /// Type of service / DSCP+ECN.
        tos / set_tos: u8 @ 1,
        /// Total length.
        tot_len / set_tot_len: u16 @ 2,
        /// Identification.
        id / set_id: u16 @ 4,
        /// Flags and fragment offset.
        frag_off / set_frag_off: u16 @ 6,
        /// Time to live.
        ttl / set_ttl: u8 @ 8,
        /// Protocol, e.g. [`IPPROTO_UDP`].
        protocol / set_protocol: u8 @ 9,
        /// Header checksum.
        check / set_check: u16 @ 10,
        /// Source address (host-order integer of the network bytes).
        saddr / set_saddr: u32 @ 12,
        /// Destination address.
        daddr / set_daddr: u32 @ 16,
    }
);

impl<'a> Ipv4<'a> {
    /// The IPv4 header at the start of `b` (version 4, IHL ≥ 5, all of it present) and
    /// the bytes after the header including its options.
    pub fn parse_ihl(b: &'a [u8]) -> Option<(Self, &'a [u8])> {
        let (h, _) = Self::parse(b)?;
        let hl = h.header_len();
        if h.ver_ihl() >> 4 != 4 || hl < 20 || hl > b.len() {
            return None;
        }
        Some((h, &b[hl..]))
    }

    /// Header length from the IHL field, in bytes.
    pub fn header_len(&self) -> usize {
        ((self.ver_ihl() & 0xf) as usize) * 4
    }
}

impl Ipv4Mut<'_> {
    /// Recomputes the header checksum of the 20-byte base header (no options).
    pub fn update_checksum(&mut self) {
        self.set_check(0);
        let c = checksum(&self.b[..]);
        self.set_check(c);
    }
}

header!(
    /// IPv6 fixed header (40 bytes).
    Ipv6 / Ipv6Mut, 40, {
        /// Version (4 bits), traffic class (8), flow label (20).
        vtc_flow / set_vtc_flow: u32 @ 0,
        /// Payload length.
        payload_len / set_payload_len: u16 @ 4,
        /// Next header, e.g. [`IPPROTO_TCP`].
        next_header / set_next_header: u8 @ 6,
        /// Hop limit.
        hop_limit / set_hop_limit: u8 @ 7,
        /// Source address.
        saddr / set_saddr: [u8; 16] @ 8,
        /// Destination address.
        daddr / set_daddr: [u8; 16] @ 24,
    }
);

header!(
    /// TCP header (20 bytes without options).
    Tcp / TcpMut, 20, {
        /// Source port.
        sport / set_sport: u16 @ 0,
        /// Destination port.
        dport / set_dport: u16 @ 2,
        /// Sequence number.
        seq / set_seq: u32 @ 4,
        /// Acknowledgement number.
        ack_seq / set_ack_seq: u32 @ 8,
        /// Data offset (4 bits), reserved, flags.
        doff_flags / set_doff_flags: u16 @ 12,
        /// Window.
        window / set_window: u16 @ 14,
        /// Checksum.
        check / set_check: u16 @ 16,
        /// Urgent pointer.
        urg_ptr / set_urg_ptr: u16 @ 18,
    }
);

header!(
    /// UDP header (8 bytes).
    Udp / UdpMut, 8, {
        /// Source port.
        sport / set_sport: u16 @ 0,
        /// Destination port.
        dport / set_dport: u16 @ 2,
        /// Length (header + payload).
        length / set_length: u16 @ 4,
        /// Checksum.
        check / set_check: u16 @ 6,
    }
);

/// The Internet checksum (RFC 1071) of `b`: one's-complement of the folded sum of
/// big-endian 16-bit words (an odd last byte is padded with zero).
pub fn checksum(b: &[u8]) -> u16 {
    !fold(sum(b, 0))
}

/// Adds the big-endian 16-bit words of `b` to `acc` (unfolded).
pub fn sum(b: &[u8], mut acc: u32) -> u32 {
    let mut chunks = b.chunks_exact(2);
    for c in &mut chunks {
        acc = acc.wrapping_add(u16::from_be_bytes([c[0], c[1]]) as u32);
        if acc >= 0xffff_0000 {
            acc = (acc & 0xffff) + (acc >> 16);
        }
    }
    if let [last] = chunks.remainder() {
        acc = acc.wrapping_add((*last as u32) << 8);
    }
    acc
}

/// Folds a 32-bit one's-complement sum to 16 bits.
pub fn fold(mut s: u32) -> u16 {
    while s >> 16 != 0 {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}
