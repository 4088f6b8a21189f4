use std::io::{Read, Write};
use std::net::TcpStream;

fn ping(addr: &str) -> std::io::Result<String> {
    // ruleid: rust.tcp-without-timeout
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(b"PING\r\n")?;
    let mut buf = String::new();
    stream.read_to_string(&mut buf)?;
    Ok(buf)
}

fn rates() -> Result<String, ureq::Error> {
    // ruleid: rust.tcp-without-timeout
    Ok(ureq::get("https://rates.example.com/latest").call()?.into_string()?)
}

fn ping_ok(addr: &str) -> std::io::Result<String> {
    // ok: rust.tcp-without-timeout
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(b"PING\r\n")?;
    let mut buf = String::new();
    stream.read_to_string(&mut buf)?;
    Ok(buf)
}

fn rates_ok() -> Result<String, ureq::Error> {
    // ok: rust.tcp-without-timeout
    Ok(ureq::get("https://rates.example.com/latest").timeout(Duration::from_secs(10)).call()?.into_string()?)
}
